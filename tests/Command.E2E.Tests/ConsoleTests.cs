using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>The console (工作台) in a real browser: the live inbox, acting on a case, and what a desk may not see.</summary>
[Collection(ScreenCollection.Name)]
public sealed class ConsoleTests(ScreenSilo silo)
{
    private const string Town = "town-" + ScreenSilo.Chengguan;
    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 15_000 };

    [SkippableFact]
    public async Task A_task_dispatched_to_a_township_appears_in_its_console_and_is_signed_and_handed_to_a_grid_worker()
    {
        await silo.RunAsync(nameof(A_task_dispatched_to_a_township_appears_in_its_console_and_is_signed_and_handed_to_a_grid_worker), async page =>
        {
            await page.SetViewportSizeAsync(1366, 768);
            await page.SignInAsync(Town);

            // From the township's big screen to its desk.
            await page.GetByRole(AriaRole.Link, new() { Name = "进入工作台" }).ClickAsync();
            await page.WaitForURLAsync("**/console");
            await Expect(page.Locator("#console")).ToHaveAttributeAsync("data-live", "true", new() { Timeout = 20_000 });
            await ExpectStyledAsync(page);

            // The county registers a case no rule dispatches, and sends it to 城关镇 by hand.
            var code = await CreateAsync(await GridOfAsync(ScreenSilo.Chengguan), "社区路灯损坏多日无人修理");
            await ActAsync("duty", code, "dispatch", new { to = "center-" + ScreenSilo.Chengguan });

            var row = page.Locator($"tr[data-code='{code}']");
            await Expect(row).ToBeVisibleAsync(Soon);
            await Expect(row).ToHaveAttributeAsync("data-box", "sign");
            await Expect(row).ToContainTextAsync("签收剩余");
            await Expect(page.Locator("[data-unread]")).ToBeVisibleAsync();
            await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex(@"^\(\d+\) 工作台$"));
            Assert.NotNull(await page.Locator("html").GetAttributeAsync("data-rang"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "console-inbox.png") });

            // 签收 on the case page.
            await row.Locator("a").ClickAsync();
            await page.WaitForURLAsync($"**/console/cases/{code}");
            await ExpectStyledAsync(page);

            // A refusal shows the case's own Chinese reason and changes nothing.
            await page.Locator("[data-action='return']").ClickAsync();
            await page.Locator("form[data-form='return'] button[type='submit']").ClickAsync();
            await Expect(page.Locator(".c-error")).ToContainTextAsync("请填写回退理由");
            await Expect(page.Locator("#case-page")).ToHaveAttributeAsync("data-status", "dispatched");

            await page.Locator("[data-action='sign']").ClickAsync();
            await page.Locator("form[data-form='sign'] button[type='submit']").ClickAsync();
            await Expect(page.Locator("#case-page")).ToHaveAttributeAsync("data-status", "in_progress", new() { Timeout = 10_000 });

            // 转派 to a grid worker the form suggests.
            await page.Locator("[data-action='dispatch']").ClickAsync();
            var worker = page.Locator("form[data-form='dispatch'] label[data-target^='worker-']").First;
            await Expect(worker).ToBeVisibleAsync(Soon);
            var name = (await worker.InnerTextAsync()).Split('（')[0].Trim();
            await worker.Locator("input").CheckAsync();
            await page.Locator("form[data-form='dispatch'] textarea").FillAsync("请网格员到现场核实");
            await page.Locator("form[data-form='dispatch'] button[type='submit']").ClickAsync();
            await Expect(page.Locator("#case-page")).ToHaveAttributeAsync("data-status", "dispatched", new() { Timeout = 10_000 });
            await Expect(page.Locator("[data-handler]")).ToContainTextAsync(name);
            await Expect(page.Locator(".c-timeline")).ToContainTextAsync("请网格员到现场核实");
            await Expect(page.Locator("#case-map")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 10_000 });
            await Expect(page.Locator("#case-map path.leaflet-interactive").First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "console-case.png") });

            // Back in the inbox, the case has left the township's boxes.
            await page.GotoAsync("/console");
            await Expect(page.Locator("#console")).ToHaveAttributeAsync("data-live", "true", new() { Timeout = 20_000 });
            await Expect(page.Locator($"tr[data-code='{code}']")).ToHaveCountAsync(0);
        });
    }

    [SkippableFact]
    public async Task A_township_console_cannot_open_another_townships_case()
    {
        var other = (await silo.TownshipsAsync()).Keys.Where(c => c != ScreenSilo.Chengguan).Order(StringComparer.Ordinal).First();
        var code = await CreateAsync(await GridOfAsync(other), "邻村道路积水");
        await silo.RunAsync(nameof(A_township_console_cannot_open_another_townships_case), async page =>
        {
            await page.SignInAsync(Town);
            await page.GotoAsync($"/console/cases/{code}");
            await Expect(page.Locator("[data-not-found]")).ToBeVisibleAsync(Soon);
            await Expect(page.Locator("body")).Not.ToContainTextAsync("邻村道路积水");
            var outOfScope = await page.Locator("[data-not-found]").InnerTextAsync();

            // Exactly what a code that does not exist shows.
            await page.GotoAsync($"/console/cases/{ScreenSilo.County}-20000101-9999");
            await Expect(page.Locator("[data-not-found]")).ToBeVisibleAsync(Soon);
            Assert.Equal(outOfScope.Replace(code, "X", StringComparison.Ordinal),
                (await page.Locator("[data-not-found]").InnerTextAsync()).Replace($"{ScreenSilo.County}-20000101-9999", "X", StringComparison.Ordinal));
        });
    }

    [SkippableFact]
    public async Task A_departments_inbox_shows_only_its_own_cases()
    {
        var own = await CreateAsync(await GridOfAsync(ScreenSilo.Chengguan), "商铺门前寻衅滋事");
        await ActAsync("duty", own, "dispatch", new { to = $"dept-{ScreenSilo.Chengguan}-police" });
        var other = (await silo.TownshipsAsync()).Keys.Where(c => c != ScreenSilo.Chengguan).Order(StringComparer.Ordinal).First();
        var theirs = await CreateAsync(await GridOfAsync(other), "集市摊位纠纷");
        await ActAsync("duty", theirs, "dispatch", new { to = $"dept-{other}-police" });

        await silo.RunAsync(nameof(A_departments_inbox_shows_only_its_own_cases), async page =>
        {
            // A department's home is its console.
            await page.SignInAsync("dept-police-" + ScreenSilo.Chengguan);
            await page.WaitForURLAsync("**/console");
            await Expect(page.Locator("#console")).ToHaveAttributeAsync("data-live", "true", new() { Timeout = 20_000 });
            await Expect(page.Locator($"tr[data-code='{own}']")).ToBeVisibleAsync(Soon);
            await Expect(page.Locator($"tr[data-code='{theirs}']")).ToHaveCountAsync(0);
            await page.Locator("input[type='search']").FillAsync(own);
            await Expect(page.Locator("table.c-list")).ToHaveAttributeAsync("data-count", "1");
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "console-department.png") });

            // It handles the case: signs for it, then reports the result, which goes back to the county to verify.
            await page.Locator($"tr[data-code='{own}'] a").ClickAsync();
            await page.Locator("[data-action='sign']").ClickAsync();
            await page.Locator("form[data-form='sign'] button[type='submit']").ClickAsync();
            await Expect(page.Locator("#case-page")).ToHaveAttributeAsync("data-status", "in_progress", new() { Timeout = 10_000 });
            await page.Locator("[data-action='resolve']").ClickAsync();
            await page.Locator("form[data-form='resolve'] textarea").FillAsync("已出警处置，双方和解");
            await page.Locator("form[data-form='resolve'] button[type='submit']").ClickAsync();
            await Expect(page.Locator("#case-page")).ToHaveAttributeAsync("data-status", "resolved", new() { Timeout = 10_000 });
            await Expect(page.Locator("[data-action]")).ToHaveCountAsync(0);
        });
    }

    [SkippableFact]
    public async Task A_console_open_before_its_account_was_locked_can_no_longer_act()
    {
        // 司法所 of 城关镇: an account no other browser test signs in with, so its lock ends nobody else's session.
        var account = $"dept-justice-{ScreenSilo.Chengguan}";
        var code = await CreateAsync(await GridOfAsync(ScreenSilo.Chengguan), "土地承包合同纠纷");
        await ActAsync("duty", code, "dispatch", new { to = $"dept-{ScreenSilo.Chengguan}-justice" });

        await silo.RunAsync(nameof(A_console_open_before_its_account_was_locked_can_no_longer_act), async page =>
        {
            await page.SignInAsync(account);
            await page.GotoAsync($"/console/cases/{code}");
            await Expect(page.Locator("[data-action='sign']")).ToBeVisibleAsync(Soon);

            // The admin locks the account while its page stays open: the next action is refused and changes nothing.
            using var admin = await silo.ApiAsync("admin");
            (await admin.PostAsync($"/api/users/{account}/lock", null)).EnsureSuccessStatusCode();
            await page.Locator("[data-action='sign']").ClickAsync();
            await page.Locator("form[data-form='sign'] button[type='submit']").ClickAsync();
            await Expect(page.Locator(".c-error")).ToContainTextAsync("登录已失效");
            await Expect(page.Locator("#case-page")).ToHaveAttributeAsync("data-status", "dispatched");
        });

        using var duty = await silo.ApiAsync("duty");
        var stored = await ScreenSilo.Json(await duty.GetAsync($"/api/cases/{code}"));
        Assert.Equal("dispatched", stored.GetProperty("status").GetString());
    }

    [SkippableFact]
    public async Task A_walk_in_registered_at_the_desk_is_located_coded_and_dispatched_by_the_rules()
    {
        await silo.RunAsync(nameof(A_walk_in_registered_at_the_desk_is_located_coded_and_dispatched_by_the_rules), async page =>
        {
            await page.SetViewportSizeAsync(1366, 768);
            await page.SignInAsync(Town);
            await page.GotoAsync("/console/new");
            await Expect(page.Locator("#intake-map")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 20_000 });

            // The category by its name; the place by region. 邻里纠纷 goes to the village's mediation by rule.
            await page.GetByLabel("类别").SelectOptionAsync(new SelectOptionValue { Label = "邻里纠纷" });
            await page.GetByLabel("紧急程度").SelectOptionAsync("high");
            await page.GetByLabel("标题").FillAsync("楼上漏水引发邻里争吵");
            await page.GetByLabel("事项描述").FillAsync("楼上住户卫生间漏水，双方多次争吵，要求调解");
            await page.GetByLabel("反映人").FillAsync("赵先生");
            await page.GetByLabel("联系电话").FillAsync("13700000003");
            var village = page.GetByLabel("村(社区)");
            var first = await village.Locator("option:nth-child(2)").GetAttributeAsync("value");
            await village.SelectOptionAsync(first!);
            var villageName = (await village.Locator("option:nth-child(2)").InnerTextAsync()).Trim();
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "console-intake.png") });
            await page.GetByRole(AriaRole.Button, new() { Name = "受理登记" }).ClickAsync();

            await page.WaitForURLAsync("**/console/cases/**", new() { Timeout = 15_000 });
            await Expect(page.Locator("#case-page")).ToHaveAttributeAsync("data-status", "dispatched", new() { Timeout = 15_000 });
            await Expect(page.Locator("[data-handler]")).ToContainTextAsync(villageName);
            await Expect(page.Locator(".c-facts")).ToContainTextAsync("邻里纠纷");
            await Expect(page.Locator(".c-facts")).ToContainTextAsync("赵先生");
            await Expect(page.Locator(".c-timeline")).ToContainTextAsync("村(社区)调解");
        });
    }

    private async Task<string> GridOfAsync(string township)
    {
        using var duty = await silo.ApiAsync("duty");
        var page = await ScreenSilo.Json(await duty.GetAsync($"/api/workers?region={township}&pageSize=1"));
        return page.GetProperty("items")[0].GetProperty("gridCode").GetString()!;
    }

    /// <summary>The duty officer registers a 民生服务 case (no rule dispatches it) in a grid; answers its code.</summary>
    private async Task<string> CreateAsync(string grid, string title)
    {
        using var duty = await silo.ApiAsync("duty");
        var created = await ScreenSilo.Json(await duty.PostAsJsonAsync("/api/cases", new
        {
            channel = "walk_in", category = "17", urgency = "medium", title, description = "群众来访反映", regionCode = grid, reporterName = "李女士", reporterPhone = "13900000002",
        }));
        return created.GetProperty("code").GetString()!;
    }

    private async Task ActAsync(string user, string code, string action, object body)
    {
        using var client = await silo.ApiAsync(user);
        await ScreenSilo.Json(await client.PostAsJsonAsync($"/api/cases/{code}/{action}", body));
    }

    /// <summary>
    /// The console's stylesheet applies and its title follows the page: of several head contents only the last rendered
    /// counts, and an interactive page's reaches only a head outlet of its own render mode (the console once showed unstyled).
    /// </summary>
    private static Task ExpectStyledAsync(IPage page) => Expect(page.Locator("header.c-top")).ToHaveCSSAsync("position", "sticky");
}
