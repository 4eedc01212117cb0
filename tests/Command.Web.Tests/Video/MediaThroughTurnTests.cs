using Command.Bench;
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
            var ice = VideoServers.Config(IceServersApi.For(VideoServers.Options(), "test", DateTimeOffset.UtcNow));
            var caller = await VideoPage.OpenAsync(browser);
            var callee = await VideoPage.OpenAsync(browser);

            var offer = await caller.OfferAsync("call", ice);
            var answer = await callee.AnswerAsync("call", ice, offer, publish: true);
            await caller.AcceptAsync("call", answer);
            foreach (var c in await caller.CandidatesAsync("call"))
            {
                await callee.AddAsync("call", c.Candidate, c.SdpMid, c.SdpMLineIndex);
            }

            foreach (var c in await callee.CandidatesAsync("call"))
            {
                await caller.AddAsync("call", c.Candidate, c.SdpMid, c.SdpMLineIndex);
            }

            await callee.WaitForVideoAsync("call");
            await caller.WaitForVideoAsync("call");
            Assert.Equal("relay>relay", await caller.RouteAsync("call"));
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
