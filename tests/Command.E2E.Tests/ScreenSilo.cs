using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Bench;
using Microsoft.Playwright;

namespace Command.E2E.Tests;

[CollectionDefinition(Name)]
public sealed class ScreenCollection : ICollectionFixture<ScreenSilo>
{
    public const string Name = "big screen";
}

/// <summary>
/// The real silo as its own process (the demo county and its accounts, no simulator, a sign-for limit of seconds) and
/// one headless Chromium, shared by the browser tests. Each test gets a browser context of its own (1920×1080, zh-CN,
/// China time). The silo's output is kept under artifacts/e2e/ when it stops.
/// </summary>
public sealed class ScreenSilo : IAsyncLifetime
{
    public const string County = "150123";        // 和林格尔县
    public const string CountyName = "和林格尔县";
    public const string Chengguan = "150123100";   // 城关镇

    private readonly ConcurrentDictionary<string, string> tokens = new();
    private readonly SemaphoreSlim reporting = new(1, 1);
    private readonly Random random = new(150123);
    private SiloProcess? silo;
    private IPlaywright? playwright;
    private IBrowser? browser;
    private string? missing;
    private BoundaryPoints? townships;
    private int reported = -1;
    private int cases;

    public Uri BaseAddress => Silo.BaseAddress;

    /// <summary>The silo; without Chromium the calling test is skipped (fails under CI=true), as there is no point in one.</summary>
    public SiloProcess Silo
    {
        get
        {
            Chromium.Require(missing);
            return silo ?? throw new InvalidOperationException("The silo did not start.");
        }
    }

    /// <summary>The repository's artifacts/ folder (gitignored), for screenshots and logs.</summary>
    public static string Artifacts(string folder)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Command.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? AppContext.BaseDirectory, "artifacts", folder);
        Directory.CreateDirectory(path);
        return path;
    }

    public async Task InitializeAsync()
    {
        var chromium = Chromium.Find(out missing);
        if (chromium is null)
        {
            return;
        }

        silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
                ["Demo__Enabled"] = "true",
                ["Demo__Simulate"] = "false",
                ["Calendar__WorkingDaysOnly"] = "false",

                // 未签收: a yellow warning after 5 s, red (with an automatic yellow card) after 10 s. Their reminders retry
                // after Cases:DeadlineRetry (1 min, the shortest period Silo:ReminderMinimumPeriod allows) if need be.
                ["Cases__SignYellow"] = "00:00:05",
                ["Cases__SignRed"] = "00:00:10",
            },
            SiloFixture.Configuration,
            TimeSpan.FromSeconds(90));
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
    }

    public async Task DisposeAsync()
    {
        try
        {
            await SiloFixture.StopAsync(browser, playwright, silo, "silo.log");
        }
        finally
        {
            reporting.Dispose();
        }
    }

    /// <summary>
    /// Runs a browser test in a context of its own, signed out. On failure the page's screenshot, its console and the
    /// silo's output so far are written to artifacts/e2e/{test}.*; on success the page must not have thrown.
    /// </summary>
    public async Task RunAsync(string test, Func<IPage, Task> body)
    {
        Chromium.Require(missing);
        await using var context = await browser!.NewContextAsync(new()
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new() { Width = 1920, Height = 1080 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        var page = await context.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        var thrown = new ConcurrentQueue<string>();
        page.Console += (_, message) => console.Enqueue($"{DateTime.Now:HH:mm:ss.fff} {message.Type}: {message.Text}");
        page.PageError += (_, error) =>
        {
            console.Enqueue($"{DateTime.Now:HH:mm:ss.fff} uncaught: {error}");
            thrown.Enqueue(error);
        };
        try
        {
            await body(page);
            Assert.True(thrown.IsEmpty, "The page threw:\n" + string.Join("\n", thrown));
        }
        catch
        {
            var folder = Artifacts("e2e");
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{test}.png") });
            await File.WriteAllLinesAsync(Path.Combine(folder, $"{test}.console.txt"), console);
            await File.WriteAllTextAsync(Path.Combine(folder, $"{test}.silo.log"), silo!.Output);
            throw;
        }
    }

    /// <summary>A browser context of the shared Chromium with options of the caller's (a phone's viewport, geolocation); the caller disposes it.</summary>
    public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions options)
    {
        Chromium.Require(missing);
        return browser!.NewContextAsync(options);
    }

    /// <summary>An API client with a bearer token of a demo account.</summary>
    public Task<HttpClient> ApiAsync(string userName) => SiloFixture.ApiAsync(BaseAddress, tokens, userName);

    public static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The county's townships as the API lists them: code → name.</summary>
    public async Task<Dictionary<string, string>> TownshipsAsync()
    {
        using var duty = await ApiAsync("duty");
        var county = await Json(await duty.GetAsync($"/api/regions/{County}"));
        return county.GetProperty("children").EnumerateArray().ToDictionary(c => c.GetProperty("code").GetString()!, c => c.GetProperty("name").GetString()!);
    }

    /// <summary>
    /// Once per run: every grid worker of the county reports a position inside their township (the duty officer's
    /// gateway posts them as one batch), so the map has workers without the simulator. Answers how many reported.
    /// </summary>
    public async Task<int> ReportPositionsAsync()
    {
        await reporting.WaitAsync();
        try
        {
            if (reported >= 0)
            {
                return reported;
            }

            using var duty = await ApiAsync("duty");
            var shapes = await TownshipShapesAsync(duty);
            var workers = new List<(string Device, string Grid)>();
            using var admin = await ApiAsync("admin");
            for (var page = 1; ; page++)
            {
                var list = await Json(await admin.GetAsync($"/api/workers?region={County}&page={page}&pageSize=1000"));
                workers.AddRange(list.GetProperty("items").EnumerateArray().Select(w => (w.GetProperty("deviceId").GetString()!, w.GetProperty("gridCode").GetString()!)));
                if (workers.Count >= list.GetProperty("total").GetInt32())
                {
                    break;
                }
            }

            var at = DateTimeOffset.UtcNow.AddSeconds(-2).ToUnixTimeMilliseconds();
            List<object> positions;
            lock (random)
            {
                positions = [.. workers.Select(w =>
                {
                    var (lat, lon) = shapes.RandomPoint(w.Grid[..9], random);
                    return new { id = w.Device, lat, lon, timestamp = at, speed = 1.2 };
                })];
            }

            await Json(await duty.PostAsJsonAsync("/api/positions", new { positions }));
            reported = workers.Count;
            return reported;
        }
        finally
        {
            reporting.Release();
        }
    }

    /// <summary>
    /// The duty officer registers a case at a random point of the county: 拖欠工资 (category 10), which the rule table
    /// sends to the county's 人社局 at once, so it waits there 待签收. Answers the 201's body.
    /// </summary>
    public async Task<JsonElement> CreateCaseAsync(string? township = null)
    {
        using var duty = await ApiAsync("duty");
        var shapes = await TownshipShapesAsync(duty);
        var n = Interlocked.Increment(ref cases);
        (double Lat, double Lon) point;
        lock (random)
        {
            point = shapes.RandomPoint(township ?? shapes.Codes.ElementAt(random.Next(shapes.Codes.Count)), random);
        }

        var response = await duty.PostAsJsonAsync("/api/cases", new
        {
            channel = "walk_in",
            category = "10",
            urgency = "medium",
            title = string.Create(CultureInfo.InvariantCulture, $"工地拖欠农民工工资（测试 {n}）"),
            description = "十余名农民工反映工地拖欠三个月工资，要求协调解决",
            lat = point.Lat,
            lon = point.Lon,
            reporterName = "王先生",
        });
        return await Json(response);
    }

    private async Task<BoundaryPoints> TownshipShapesAsync(HttpClient client)
    {
        if (townships is null)
        {
            var shapes = BoundaryPoints.Parse(await client.GetStringAsync(new Uri($"/api/regions/{County}/boundaries", UriKind.Relative)));
            Interlocked.CompareExchange(ref townships, shapes, null);
        }

        return townships;
    }
}
