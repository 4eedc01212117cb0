using Command.Bench;
using Command.E2E.Tests;
using Command.Web.Video;
using Microsoft.Playwright;

namespace Command.Web.Tests.Video;

/// <summary>
/// The coturn and Janus scripts/test.sh starts (infra/video): COMMAND_TEST_TURN (turn:127.0.0.1:3478),
/// COMMAND_TEST_TURN_SECRET, COMMAND_TEST_JANUS (the HTTP API) and COMMAND_TEST_JANUS_ADMIN_KEY. Without them the video
/// tests are skipped, except under CI=true, where they fail: CI must run them.
/// </summary>
internal static class VideoServers
{
    public static string Turn => Environment.GetEnvironmentVariable("COMMAND_TEST_TURN") ?? "";

    public static string TurnSecret => Environment.GetEnvironmentVariable("COMMAND_TEST_TURN_SECRET") ?? "";

    public static string Janus => Environment.GetEnvironmentVariable("COMMAND_TEST_JANUS") ?? "";

    public static string? JanusAdminKey => Environment.GetEnvironmentVariable("COMMAND_TEST_JANUS_ADMIN_KEY");

    /// <summary>Skips the calling test without the servers (or Chromium, when <paramref name="browser"/>); fails it under CI=true.</summary>
    public static void Require(bool janus, bool browser)
    {
        var missing = Turn.Length == 0 || TurnSecret.Length == 0 ? "COMMAND_TEST_TURN and COMMAND_TEST_TURN_SECRET are not set (run infra/video/ensure-coturn.sh, or scripts/test.sh)"
            : janus && Janus.Length == 0 ? "COMMAND_TEST_JANUS is not set (run infra/video/ensure-janus.sh, or scripts/test.sh)"
            : null;
        if (missing is null && browser)
        {
            Chromium.Find(out missing);
        }

        Chromium.Require(missing);
    }

    /// <summary>What the ICE endpoint hands a browser on one machine: relay only, through the local coturn.</summary>
    public static VideoOptions Options() => new()
    {
        TurnSecret = TurnSecret,
        TurnUrls = [Turn],
        IceTransportPolicy = "relay",
    };

    /// <summary>The RTCConfiguration a browser builds from GET /api/video/ice's answer.</summary>
    public static object Config(IceConfigView ice) => new
    {
        iceServers = ice.IceServers.Select(s => new { urls = s.Urls, username = s.Username, credential = s.Credential }).ToArray(),
        iceTransportPolicy = ice.IceTransportPolicy,
    };

    /// <summary>Connection <paramref name="id"/>'s candidates, as the hub would pass them to <see cref="IVideoRoom.TrickleAsync"/>.</summary>
    public static async Task<IReadOnlyList<VideoIceCandidate>> IceCandidatesAsync(this VideoPage page, string id) =>
        (await page.CandidatesAsync(id)).Select(c => new VideoIceCandidate(c.Candidate, c.SdpMid, c.SdpMLineIndex)).ToList();

    /// <summary>Headless Chromium with a fake camera and microphone, granted without asking.</summary>
    public static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            return (playwright, await VideoPage.LaunchAsync(playwright, Chromium.Find(out _)!));
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
