using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>What a new user found wrong on the wall, each checked the way they noticed it.</summary>
[Collection(ScreenCollection.Name)]
public sealed class WallDefectTests(ScreenSilo silo, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_click_on_a_township_on_the_county_map_drills_down_even_with_workers_all_over_it()
    {
        var workers = await silo.ReportPositionsAsync();
        await silo.RunAsync(nameof(A_click_on_a_township_on_the_county_map_drills_down_even_with_workers_all_over_it), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            await page.ExpectMapCountAsync("data-workers", $"n === {workers}", TimeSpan.FromSeconds(10));

            // The township's name on the map marks its middle; the workers' dots crowd around it.
            var label = page.Locator(".region-label span").Filter(new() { HasTextRegex = new Regex("^城关镇") });
            await Expect(label).ToBeVisibleAsync();
            var box = (await label.BoundingBoxAsync())!;
            await page.Mouse.ClickAsync(box.X + (box.Width / 2), box.Y + box.Height + 12);

            await page.ExpectLiveAsync(ScreenSilo.Chengguan);
            await Expect(page.Locator("#worker-card")).ToBeHiddenAsync();
        });
    }

    [SkippableFact]
    public async Task On_a_1366x768_laptop_the_text_stays_readable()
    {
        await silo.CreateCaseAsync();
        await silo.RunAsync(nameof(On_a_1366x768_laptop_the_text_stays_readable), async page =>
        {
            await page.SetViewportSizeAsync(1366, 768);
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            await Expect(page.Locator("#tasks [data-case]").First).ToBeVisibleAsync();

            // The size each text is drawn at on the screen: its font size times the canvas's scale.
            var sizes = await page.EvaluateAsync<Dictionary<string, double>>("""
                () => {
                    const scale = document.getElementById('screen').getBoundingClientRect().width / 1920;
                    const out = {};
                    for (const s of ['#tasks .title', '#tasks .meta', '.rt-row .name', '.rt-head span', '.panel h2', '.legend span', '.kpi span',
                                     '.kpi-line', '#crumbs a', '.region-label span', '#clock .date', '.user'])
                        out[s] = parseFloat(getComputedStyle(document.querySelector(s)).fontSize) * scale;
                    return out;
                }
                """);
            foreach (var (selector, px) in sizes)
            {
                output.WriteLine($"{selector}: {px:0.0} px");
                Assert.True(px >= 11.5, $"{selector} is drawn at {px:0.0} px on a 1366×768 screen");
            }

            Assert.True(sizes["#tasks .title"] >= 13, $"the pending tasks' titles are drawn at {sizes["#tasks .title"]:0.0} px");
            await page.WaitForTimeoutAsync(2500);   // the charts settle before the picture
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "big-screen-1366x768.png") });
        });
    }

    [SkippableTheory]
    [InlineData(1920, 1080)]
    [InlineData(1366, 768)]
    public async Task The_link_to_the_console_covers_no_panel_and_nothing_in_the_title_bar(int width, int height)
    {
        await silo.CreateCaseAsync();
        await silo.RunAsync($"{nameof(The_link_to_the_console_covers_no_panel_and_nothing_in_the_title_bar)}_{width}", async page =>
        {
            await page.SetViewportSizeAsync(width, height);
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            await Expect(page.Locator("#tasks [data-case]").First).ToBeVisibleAsync();
            var link = page.GetByRole(AriaRole.Link, new() { Name = "进入工作台" });
            await Expect(link).ToBeVisibleAsync();

            // Every panel (the task list among them), the title and the bar's other parts, as drawn: none shares a pixel with the
            // link, and nothing in the bar runs into the title.
            var covered = await page.EvaluateAsync<string[]>("""
                () => {
                    const overlaps = (a, b) => b.width > 0 && b.height > 0 && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
                    const name = e => e.id || e.className || e.tagName;
                    const link = document.getElementById('to-console');
                    const bar = [...document.querySelectorAll('.user, #live-status, .logout button, #clock, .system, #to-console')];
                    const words = document.createRange();
                    words.selectNodeContents(document.getElementById('title'));
                    const title = words.getBoundingClientRect(); // the title's text, not its wide box
                    return [
                        ...[...document.querySelectorAll('.panel, #title, .user, #live-status, .logout button, #clock, .system')]
                            .filter(e => overlaps(link.getBoundingClientRect(), e.getBoundingClientRect())).map(e => `link over ${name(e)}`),
                        ...bar.filter(e => overlaps(title, e.getBoundingClientRect())).map(e => `${name(e)} over the title`),
                    ];
                }
                """);
            Assert.Empty(covered);
            var box = (await link.BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= width && box.Y >= 0 && box.Y + box.Height <= height, $"the link is drawn at {box.X:0},{box.Y:0} on a {width}×{height} screen");
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), $"big-screen-console-link-{width}x{height}.png") });

            await link.ClickAsync();
            await page.WaitForURLAsync("**/console");
        });
    }

    [SkippableFact]
    public async Task The_sign_in_page_fits_a_phone()
    {
        await silo.RunAsync(nameof(The_sign_in_page_fits_a_phone), async page =>
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync("/login");
            var form = page.Locator(".login");
            await Expect(form).ToBeVisibleAsync();
            var box = (await form.BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"the sign-in card spans {box.X:0}–{box.X + box.Width:0} px of a 390 px phone");
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the page scrolls sideways on a phone");
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "login-390x844.png") });

            // And it still signs in there.
            await page.SignInAsync("duty");
            Assert.Equal("/", new Uri(page.Url).AbsolutePath);
        });
    }

    [SkippableFact]
    public async Task An_unknown_address_shows_a_chinese_page_in_the_browser_and_chinese_problem_details_to_the_api()
    {
        await silo.RunAsync(nameof(An_unknown_address_shows_a_chinese_page_in_the_browser_and_chinese_problem_details_to_the_api), async page =>
        {
            var response = (await page.GotoAsync("/no-such-page"))!;
            Assert.Equal(404, response.Status);
            await Expect(page.Locator("h1")).ToHaveTextAsync("未找到");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "返回首页" })).ToBeVisibleAsync();
            Assert.DoesNotContain("Not Found", await page.ContentAsync(), StringComparison.Ordinal);
        });

        using var client = new HttpClient { BaseAddress = silo.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-thing");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var api = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("未找到", problem.GetProperty("title").GetString());
    }

    [SkippableFact]
    public async Task The_list_of_townships_rolls_to_show_all_ten()
    {
        await silo.RunAsync(nameof(The_list_of_townships_rolls_to_show_all_ten), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            var list = page.Locator("#regions");
            await Expect(list.Locator("[data-region]")).ToHaveCountAsync(10);
            Assert.True(await list.EvaluateAsync<bool>("l => l.scrollHeight > l.clientHeight"), "all ten townships fit: nothing to roll (the test proves nothing)");

            // The last township comes into view by itself, without anyone scrolling.
            await page.WaitForFunctionAsync("""
                () => { const l = document.getElementById('regions'); const last = l.lastElementChild;
                        return last.offsetTop + last.offsetHeight <= l.scrollTop + l.clientHeight + 1; }
                """, null, new() { Timeout = 40_000 });
        });
    }

    [SkippableFact]
    public async Task While_the_screen_cannot_connect_its_lists_say_connecting_not_empty()
    {
        await silo.CreateCaseAsync();
        await silo.RunAsync(nameof(While_the_screen_cannot_connect_its_lists_say_connecting_not_empty), async page =>
        {
            // The hub cannot be reached: the screen keeps trying, and never claims there is nothing to do.
            await page.RouteAsync("**/hubs/dashboard/**", route => route.AbortAsync());
            await page.SignInAsync("duty");
            await Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", new Regex("down|reconnecting"), new() { Timeout = 10_000 });
            await Expect(page.Locator("#tasks li.empty")).ToHaveTextAsync("连接中…");
            await Expect(page.Locator("#warnings li.empty")).ToHaveTextAsync("连接中…");
            await Expect(page.Locator("#screen")).Not.ToContainTextAsync("暂无待签收");

            // Once it connects, the case registered before is listed.
            await page.UnrouteAsync("**/hubs/dashboard/**");
            await page.ExpectLiveAsync(ScreenSilo.County);
            await Expect(page.Locator("#tasks [data-case]").First).ToBeVisibleAsync();
        });
    }

    [SkippableFact]
    public async Task Who_acknowledged_a_warning_reads_by_name_not_by_account()
    {
        await silo.RunAsync(nameof(Who_acknowledged_a_warning_reads_by_name_not_by_account), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            var created = await silo.CreateCaseAsync();
            var code = created.GetProperty("code").GetString()!;
            var warning = page.Locator("#warnings [data-warning]").Filter(new() { HasText = code });
            await Expect(warning).ToBeVisibleAsync(new() { Timeout = 15_000 });
            var id = await warning.GetAttributeAsync("data-warning");

            // The leader acknowledges it elsewhere: the duty officer's screen names the leader, not the account "leader".
            using var leader = await silo.ApiAsync("leader");
            var me = await ScreenSilo.Json(await leader.GetAsync("/api/me"));
            var name = me.GetProperty("displayName").GetString()!;
            Assert.NotEqual("leader", name);
            await ScreenSilo.Json(await leader.PostAsync($"/api/warnings/{id}/ack", JsonContent.Create(new { })));
            await Expect(warning.Locator(".acked")).ToHaveTextAsync($"已确认 · {name}", new() { Timeout = 5000 });
        });
    }
}
