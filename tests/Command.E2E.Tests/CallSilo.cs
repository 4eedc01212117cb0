using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Command.Bench;
using Microsoft.Playwright;

namespace Command.E2E.Tests;

/// <summary>Run alone, after the other browser tests: media and three Chromium pages per test need the machine's cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CallCollection : ICollectionFixture<CallSilo>
{
    public const string Name = "video calls";
}

/// <summary>
/// The real silo (demo county, no simulator) with its ICE servers pointing at the coturn scripts/test.sh starts
/// (COMMAND_TEST_TURN, COMMAND_TEST_TURN_SECRET) and relay-only ICE, since Chromium offers no loopback host candidates;
/// and a Chromium of its own whose camera and microphone are fake devices, allowed without asking. Without Chromium or
/// coturn the tests are skipped (under CI=true they fail).
/// </summary>
public sealed class CallSilo : IAsyncLifetime
{
    public const string TurnVariable = "COMMAND_TEST_TURN";
    public const string TurnSecretVariable = "COMMAND_TEST_TURN_SECRET";

    private readonly ConcurrentDictionary<string, string> tokens = new();
    private SiloProcess? silo;
    private IPlaywright? playwright;
    private IBrowser? browser;
    private string? missing;

    /// <summary>Janus' HTTP API for conferences (COMMAND_TEST_JANUS, which scripts/test.sh sets); null: conferences are off.</summary>
    public static string? Janus => Environment.GetEnvironmentVariable("COMMAND_TEST_JANUS") is { Length: > 0 } url ? url : null;

    /// <summary>Skips a conference test without Janus (fails under CI=true).</summary>
    public void RequireJanus()
    {
        Require();
        if (Janus is null)
        {
            missing = "COMMAND_TEST_JANUS is not set (scripts/test.sh starts Janus with infra/video/ensure-janus.sh and sets it)";
            Require();
        }
    }

    public SiloProcess Silo
    {
        get
        {
            Require();
            return silo ?? throw new InvalidOperationException("The silo did not start.");
        }
    }

    public async Task InitializeAsync()
    {
        var chromium = Chromium.Find(out missing);
        var turn = Environment.GetEnvironmentVariable(TurnVariable);
        var secret = Environment.GetEnvironmentVariable(TurnSecretVariable);
        if (chromium is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(turn) || string.IsNullOrWhiteSpace(secret))
        {
            missing = $"{TurnVariable} and {TurnSecretVariable} are not set (scripts/test.sh starts coturn with infra/video/ensure-coturn.sh and sets them)";
            return;
        }

        silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
                ["Demo__Enabled"] = "true",
                ["Demo__Simulate"] = "false",
                ["Video__TurnUrls__0"] = turn,
                ["Video__TurnSecret"] = secret,
                ["Video__IceTransportPolicy"] = "relay",
                ["Calls__RingFor"] = "00:00:40",
                ["Video__Janus__Url"] = Janus ?? "",
                ["Video__Janus__AdminKey"] = Environment.GetEnvironmentVariable("COMMAND_TEST_JANUS_ADMIN_KEY") ?? "",
            },
            SiloFixture.Configuration,
            TimeSpan.FromSeconds(90));
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required"],
        });
    }

    public Task DisposeAsync() => SiloFixture.StopAsync(browser, playwright, silo, "calls-silo.log");

    /// <summary>A context of the fake-camera Chromium: a 1920×1080 wall, or a 390×844 phone with geolocation at <paramref name="at"/>.</summary>
    public Task<IBrowserContext> NewContextAsync(bool phone, (double Lat, double Lon)? at = null)
    {
        Require();
        var options = new BrowserNewContextOptions
        {
            BaseURL = silo!.BaseAddress.ToString(),
            ViewportSize = phone ? new() { Width = 390, Height = 844 } : new() { Width = 1920, Height = 1080 },
            IsMobile = phone,
            HasTouch = phone,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            Permissions = phone ? ["geolocation", "camera", "microphone"] : ["camera", "microphone"],
        };
        if (at is { } point)
        {
            options.Geolocation = new() { Latitude = (float)point.Lat, Longitude = (float)point.Lon, Accuracy = 10 };
        }

        return browser!.NewContextAsync(options);
    }

    public Task<HttpClient> ApiAsync(string userName) => SiloFixture.ApiAsync(Silo.BaseAddress, tokens, userName);

    /// <summary>Skips a video test without Chromium or coturn; under CI=true it fails instead.</summary>
    private void Require() => Chromium.Require(missing);
}
