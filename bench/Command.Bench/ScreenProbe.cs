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

    /// <summary>
    /// The probe, and beside it what the page's scripts cannot see: for each worker update in a pushed batch, the batch's
    /// serverTime and when the browser's main thread got the WebSocket message (before the page's own handler, which
    /// applies the batch at once). Together they split the latency into server, delivery and applying.
    /// </summary>
    private const string InitScript = """
        window.commandScreen = { probe: new Map() };
        (() => {
          // Beside the page's object (which the page rebuilds around the probe), so the page cannot drop it.
          const received = new Map();
          const longTasks = [];
          window.commandPushBench = { received, longTasks };
          new PerformanceObserver(list => { for (const t of list.getEntries()) longTasks.push([t.startTime, t.duration]); })
            .observe({ type: 'longtask', buffered: true });
          const Native = window.WebSocket;
          window.WebSocket = class extends Native {
            constructor(...args) {
              super(...args);
              this.addEventListener('message', e => {
                if (typeof e.data !== 'string' || !e.data.includes('"Changes"')) return;
                const now = Date.now();
                for (const frame of e.data.split('\x1e')) {
                  if (!frame.includes('"Changes"')) continue;
                  const m = JSON.parse(frame);
                  if (m.type !== 1 || m.target !== 'Changes') continue;
                  const batch = m.arguments[0];
                  for (const w of batch.workers ?? []) received.set(w[0] + '@' + w[4], [batch.serverTime, now]);
                }
              });
            }
          };
        })();
        """;

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
        await context.AddInitScriptAsync(InitScript);
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

    /// <summary>Samples the page's JS for a while (Chrome's CPU profiler); answers the functions with most self time.</summary>
    public async Task<IReadOnlyList<(string Function, double Share)>> ProfileAsync(TimeSpan span, int top)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.start");
        await Task.Delay(span);
        var profile = (await cdp.SendAsync("Profiler.stop"))!.Value.GetProperty("profile");
        var names = profile.GetProperty("nodes").EnumerateArray().ToDictionary(
            n => n.GetProperty("id").GetInt32(),
            n =>
            {
                var frame = n.GetProperty("callFrame");
                var url = frame.GetProperty("url").GetString();
                var function = frame.GetProperty("functionName").GetString() is { Length: > 0 } name ? name : "(anonymous)";
                return string.IsNullOrEmpty(url) ? function : $"{function} {Path.GetFileName(new Uri(url).AbsolutePath)}:{frame.GetProperty("lineNumber").GetInt32() + 1}";
            });
        var samples = profile.GetProperty("samples").EnumerateArray().Select(s => names[s.GetInt32()]).ToList();
        return [.. samples.GroupBy(name => name).OrderByDescending(g => g.Count()).Take(top).Select(g => (g.Key, (double)g.Count() / samples.Count))];
    }

    public Task<int> ProbeSizeAsync() => page.EvaluateAsync<int>("() => window.commandScreen?.probe?.size ?? -1");

    /// <summary>
    /// The probe: when each worker update was applied (browser ms); for each, the batch's serverTime and when its message
    /// reached the page; and each batch's apply time in ms.
    /// </summary>
    public async Task<Probe> ReadAsync()
    {
        var json = await page.EvaluateAsync<JsonElement>(
            """
            () => ({
              probe: [...(window.commandScreen?.probe ?? new Map())],
              received: [...(window.commandPushBench?.received ?? new Map())],
              longTasks: (window.commandPushBench?.longTasks ?? []).map(([start, duration]) => [performance.timeOrigin + start, duration]),
              applyMs: window.commandScreen?.stats?.applyMs ?? [],
            })
            """);
        var applied = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in json.GetProperty("probe").EnumerateArray())
        {
            applied[entry[0].GetString()!] = (long)entry[1].GetDouble();
        }

        var received = new Dictionary<string, (long ServerTime, long At)>(StringComparer.Ordinal);
        foreach (var entry in json.GetProperty("received").EnumerateArray())
        {
            received[entry[0].GetString()!] = ((long)entry[1][0].GetDouble(), (long)entry[1][1].GetDouble());
        }

        var longTasks = json.GetProperty("longTasks").EnumerateArray().Select(t => ((long)t[0].GetDouble(), t[1].GetDouble())).ToArray();
        return new Probe(applied, received, [.. json.GetProperty("applyMs").EnumerateArray().Select(e => e.GetDouble())], longTasks);
    }

    public async ValueTask DisposeAsync()
    {
        await browser.CloseAsync();
        playwright.Dispose();
    }
}

/// <summary>What the page recorded, keyed <c>{workerId}@{v}</c>.</summary>
/// <remarks>LongTasks: the page's main-thread tasks over 50 ms (start, browser ms since the epoch; duration ms).</remarks>
internal sealed record Probe(
    Dictionary<string, long> Applied, Dictionary<string, (long ServerTime, long At)> Received, double[] ApplyMs, (long Start, double Duration)[] LongTasks);
