using Command.Web.Video;

namespace Command.Web.Tests.Video;

/// <summary>
/// On one machine Chromium offers no loopback host candidates, so a 1:1 call's media goes relay to relay through the coturn
/// on 127.0.0.1 (allow-loopback-peers), with the relay-only configuration GET /api/video/ice hands out.
/// </summary>
public sealed class MediaThroughTurnTests
{
    [SkippableFact]
    public async Task Two_browsers_see_each_others_camera_through_the_local_turn_server()
    {
        VideoServers.Require(janus: false, browser: true);
        var (playwright, browser) = await VideoServers.LaunchAsync();
        try
        {
            var ice = IceServersApi.For(VideoServers.Options(), "test", DateTimeOffset.UtcNow);
            var caller = await BrowserPeer.OpenAsync(browser);
            var callee = await BrowserPeer.OpenAsync(browser);

            var offer = await caller.OfferAsync(ice);
            var answer = await callee.AnswerAsync(ice, offer, publish: true);
            await caller.AcceptAsync(answer);
            foreach (var candidate in await caller.CandidatesAsync())
            {
                await callee.AddAsync(candidate);
            }

            foreach (var candidate in await callee.CandidatesAsync())
            {
                await caller.AddAsync(candidate);
            }

            await callee.WaitForVideoAsync();
            await caller.WaitForVideoAsync();
            Assert.Equal("relay>relay", await caller.RouteAsync());
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
