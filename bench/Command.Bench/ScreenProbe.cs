using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace Command.Bench;

/// <summary>
/// The big screen open in headless Chromium (the system's: COMMAND_CHROMIUM, default /usr/bin/chromium; Playwright never
/// downloads one), with the probe the page's JS fills when it finds it: <c>window.commandScreen.probe</c> maps
/// <c>{workerId}@{v}</c> to the browser's Date.now() when that worker update was applied, and
/// <c>window.commandScreen.stats.applyMs</c> lists how long each pushed batch took to apply.
/// </summary>
internal sealed class ScreenProbe : IAsyncDisposable
{
    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly IPage page;

    private ScreenProbe(IPlaywright playwright, IBrowser browser, IPage page)
    {
        this.playwright = playwright;
        this.browser = browser;
        this.page = page;
    }

    /// <summary>How long the page took from navigation until #screen[data-live=true].</summary>
    public TimeSpan TimeToLive { get; private set; }

    public static string? FindChromium()
    {
        var path = Environment.GetEnvironmentVariable("COMMAND_CHROMIUM");
        path = string.IsNullOrWhiteSpace(path) ? "/usr/bin/chromium" : path;
        return File.Exists(path) ? path : null;
    }

    /// <summary>Signs in at /login and opens the screen on a scope; answers once it is live.</summary>
    public static async Task<ScreenProbe> OpenAsync(string chromium, Uri baseAddress, string userName, string password, string scope, TimeSpan timeout)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new() { Width = 1920, Height = 1080 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });

        // Before any script of the page runs, so the page keeps this object and records into it.
        await context.AddInitScriptAsync("window.commandScreen = { probe: new Map() };");
        var page = await context.NewPageAsync();
        var probe = new ScreenProbe(playwright, browser, page);
        await page.GotoAsync("/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal));

        var watch = Stopwatch.StartNew();
        await page.GotoAsync($"/?scope={scope}");
        await page.Locator($"#screen[data-scope='{scope}'][data-live='true']").WaitForAsync(new() { Timeout = (float)timeout.TotalMilliseconds });
        probe.TimeToLive = watch.Elapsed;
        return probe;
    }

    public Task<int> CountAsync(string attribute) =>
        page.EvaluateAsync<int>($"() => Number(document.querySelector('#map')?.getAttribute('{attribute}') ?? -1)");

    public Task<int> ProbeSizeAsync() => page.EvaluateAsync<int>("() => window.commandScreen?.probe?.size ?? -1");

    /// <summary>The probe: when each worker update was applied (browser ms), and each batch's apply time in ms.</summary>
    public async Task<(Dictionary<string, long> Applied, double[] ApplyMs)> ReadAsync()
    {
        var json = await page.EvaluateAsync<JsonElement>(
            "() => ({ probe: [...(window.commandScreen?.probe ?? new Map())], applyMs: window.commandScreen?.stats?.applyMs ?? [] })");
        var applied = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in json.GetProperty("probe").EnumerateArray())
        {
            applied[entry[0].GetString()!] = (long)entry[1].GetDouble();
        }

        return (applied, [.. json.GetProperty("applyMs").EnumerateArray().Select(e => e.GetDouble())]);
    }

    public async ValueTask DisposeAsync()
    {
        await browser.CloseAsync();
        playwright.Dispose();
    }
}
