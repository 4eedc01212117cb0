using System.Diagnostics;
using System.Globalization;
using Command.Web.Video;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Command.Bench;

/// <summary>
/// janus: Janus' CPU in a full 视频会商 room. Six Chromium pages (fake camera, 320×240) publish into one videoroom through
/// <see cref="IVideoRoom"/>, each subscribes to the other five (6 publications, 30 subscriptions), media relayed as in
/// the tests (browsers relay-only through the local coturn). Once every subscription shows video, Janus' process time is
/// sampled over the window. Needs infra/video/ensure-coturn.sh and ensure-janus.sh (run here when
/// COMMAND_TEST_JANUS is not set). Prints figures; asserts nothing.
/// </summary>
internal static class JanusBenchmark
{
    private const int Parties = 6;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        if (ScreenProbe.FindChromium() is not { } chromium)
        {
            Console.Error.WriteLine("janus: Chromium is missing (set COMMAND_CHROMIUM, or apt-get install chromium).");
            return 1;
        }

        var janusUrl = Environment.GetEnvironmentVariable("COMMAND_TEST_JANUS") is { Length: > 0 } set ? set : await LastLineAsync("infra/video/ensure-janus.sh");
        var turnLine = Environment.GetEnvironmentVariable("COMMAND_TEST_TURN") is { Length: > 0 } turnSet
            ? $"{turnSet} {Environment.GetEnvironmentVariable("COMMAND_TEST_TURN_SECRET")}"
            : await LastLineAsync("infra/video/ensure-coturn.sh");
        var (turn, secret) = (turnLine.Split(' ')[0], turnLine.Split(' ')[1]);
        var janus = Process.GetProcessesByName("janus").SingleOrDefault()
            ?? throw new InvalidOperationException("no janus process runs on this machine");

        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Video:Janus:Url"] = janusUrl,
                ["Video:Janus:AdminKey"] = Environment.GetEnvironmentVariable("COMMAND_TEST_JANUS_ADMIN_KEY") ?? "command-test-admin-key",
            }).Build())
            .AddLogging().AddVideo().BuildServiceProvider();
        var rooms = services.GetRequiredService<IVideoRoom>();
        var video = new VideoOptions { TurnSecret = secret, TurnUrls = [turn], IceTransportPolicy = "relay" };
        var ice = IceServersApi.For(video, "bench", DateTimeOffset.UtcNow);
        var config = new
        {
            iceServers = ice.IceServers.Select(s => new { urls = s.Urls, username = s.Username, credential = s.Credential }).ToArray(),
            iceTransportPolicy = ice.IceTransportPolicy,
        };

        using var playwright = await Playwright.CreateAsync();
        var browser = await VideoPage.LaunchAsync(playwright, chromium);
        var room = await rooms.CreateRoomAsync("bench", Parties);
        try
        {
            var pages = new List<VideoPage>();
            var feeds = new List<long>();
            for (var i = 0; i < Parties; i++)
            {
                var page = await VideoPage.OpenAsync(browser);
                pages.Add(page);
                var published = await rooms.PublishAsync(room, $"party-{i}", await page.OfferAsync("camera", config));
                await page.AcceptAsync("camera", published.SdpAnswer);
                await TrickleAsync(rooms, published.Handle, page, "camera");
                feeds.Add(published.Feed);
            }

            for (var i = 0; i < Parties; i++)
            {
                for (var j = 0; j < Parties; j++)
                {
                    if (i == j)
                    {
                        continue;
                    }

                    var subscription = await rooms.SubscribeAsync(room, feeds[j]);
                    var answer = await pages[i].AnswerAsync($"feed-{j}", config, subscription.SdpOffer);
                    await rooms.StartAsync(subscription.Handle, answer);
                    await TrickleAsync(rooms, subscription.Handle, pages[i], $"feed-{j}");
                }
            }

            for (var i = 0; i < Parties; i++)
            {
                for (var j = 0; j < Parties; j++)
                {
                    if (i != j)
                    {
                        await pages[i].WaitForVideoAsync($"feed-{j}", 120_000);
                    }
                }
            }

            Console.WriteLine($"janus: {Parties} publishers, {Parties * (Parties - 1)} subscriptions, all showing video; settling 5 s, measuring {seconds:0} s");
            await Task.Delay(TimeSpan.FromSeconds(5));
            var received = await SumAsync(pages);
            janus.Refresh();
            var cpu = janus.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            janus.Refresh();
            var used = janus.TotalProcessorTime - cpu;
            var elapsed = watch.Elapsed;
            var receivedAfter = await SumAsync(pages);

            Console.WriteLine($"janus-cpu-percent {100 * used / elapsed:0.0} (of one core; {Environment.ProcessorCount} cores)");
            Console.WriteLine($"janus-forwarded-mbit-s {(receivedAfter - received) * 8 / elapsed.TotalSeconds / 1e6:0.00} (received by all subscribers)");
            Console.WriteLine($"janus-rss-mb {janus.WorkingSet64 / 1e6:0}");
        }
        finally
        {
            await rooms.DestroyRoomAsync(room);
            await browser.CloseAsync();
        }

        return 0;
    }

    private static async Task TrickleAsync(IVideoRoom rooms, long handle, VideoPage page, string id)
    {
        foreach (var (candidate, mid, index) in await page.CandidatesAsync(id))
        {
            await rooms.TrickleAsync(handle, new VideoIceCandidate(candidate, mid, index));
        }

        await rooms.TrickleAsync(handle, null);
    }

    private static async Task<long> SumAsync(List<VideoPage> pages)
    {
        long total = 0;
        foreach (var page in pages)
        {
            total += await page.ReceivedAsync();
        }

        return total;
    }

    private static async Task<string> LastLineAsync(string script)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", script) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output.Trim().Split('\n')[^1] : throw new InvalidOperationException($"{script} failed");
    }
}
