using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>The duty officer's big screen of the demo county, in a real Chromium against the real silo.</summary>
[Collection(ScreenCollection.Name)]
public sealed class BigScreenTests(ScreenSilo silo, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Duty_officer_signs_in_and_sees_the_county_with_its_townships_and_workers()
    {
        var workers = await silo.ReportPositionsAsync();
        var townships = await silo.TownshipsAsync();
        for (var i = 0; i < 4; i++)
        {
            await silo.CreateCaseAsync();
        }

        await silo.RunAsync(nameof(Duty_officer_signs_in_and_sees_the_county_with_its_townships_and_workers), async page =>
        {
            await page.SignInAsync("duty");

            Assert.Equal("/", new Uri(page.Url).AbsolutePath);
            await page.ExpectLiveAsync(ScreenSilo.County);
            await Expect(page.Locator("#title")).ToContainTextAsync(ScreenSilo.CountyName);
            var regions = page.Locator("#regions [data-region]");
            await Expect(regions).ToHaveCountAsync(10);
            var shown = await regions.EvaluateAllAsync<string[]>("items => items.map(i => i.getAttribute('data-region'))");
            Assert.Equal(townships.Keys.Order(), shown.Order());
            await Expect(page.Locator($"#regions [data-region='{ScreenSilo.Chengguan}']")).ToContainTextAsync("城关镇");

            // Every worker who reported is drawn, and so is every open case (at least the four above).
            await page.ExpectMapCountAsync("data-workers", $"n === {workers}", TimeSpan.FromSeconds(5));
            await page.ExpectMapCountAsync("data-cases", "n >= 4", TimeSpan.FromSeconds(5));
            await Expect(page.Locator("#live-banner")).ToBeHiddenAsync();

            // Settled (boundaries drawn, charts done animating) before the picture.
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.WaitForTimeoutAsync(3000);
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "big-screen.png"), FullPage = true });
        });
    }

    [SkippableFact]
    public async Task A_case_created_through_the_API_appears_on_the_pending_list_and_map()
    {
        await silo.RunAsync(nameof(A_case_created_through_the_API_appears_on_the_pending_list_and_map), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            var before = await page.MapCountAsync("data-cases");

            var created = await silo.CreateCaseAsync();
            var answered = Stopwatch.StartNew();
            var code = created.GetProperty("code").GetString()!;
            var title = created.GetProperty("case").GetProperty("title").GetString()!;
            Assert.Equal("dispatched", created.GetProperty("case").GetProperty("status").GetString());

            var item = page.Locator($"#tasks [data-case='{code}']");
            // How fast is for the push benchmark (bench push); here only that it arrives, with patience for a loaded machine.
            await Expect(item).ToBeVisibleAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
            await page.ExpectMapCountAsync("data-cases", $"n === {before + 1}", Patience);
            output.WriteLine($"{code} was listed and drawn {answered.Elapsed.TotalMilliseconds:0} ms after the API answered");
            await Expect(item).ToContainTextAsync("待签收");
            await Expect(item).ToContainTextAsync(title);
        });
    }

    [SkippableFact]
    public async Task A_warning_appears_when_the_sign_for_limit_passes()
    {
        await silo.RunAsync(nameof(A_warning_appears_when_the_sign_for_limit_passes), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);

            var created = await silo.CreateCaseAsync();
            var code = created.GetProperty("code").GetString()!;
            var title = created.GetProperty("case").GetProperty("title").GetString()!;

            // Nobody signs for it: 5 s later (Cases:SignYellow) the 未签收 warning naming it rolls in.
            var warning = page.Locator("#warnings [data-warning]").Filter(new() { HasTextRegex = new Regex($"{Regex.Escape(title)}|{Regex.Escape(code)}") });
            await Expect(warning).ToBeVisibleAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
            await Expect(warning).ToContainTextAsync("未签收");

            // Not before the limit, by the silo's own clock (the warning's time against the case's), not the test's stopwatch.
            using var duty = await silo.ApiAsync("duty");
            // Warnings keep their time in whole milliseconds, the case its full clock reading: compare at the warning's precision.
            var accepted = DateTimeOffset.FromUnixTimeMilliseconds(created.GetProperty("case").GetProperty("acceptedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
            var listed = await ScreenSilo.Json(await duty.GetAsync($"/api/warnings?kind=unsigned&region={ScreenSilo.County}&pageSize=1000"));
            var raised = listed.GetProperty("items").EnumerateArray().Single(w => w.GetProperty("caseCode").GetString() == code).GetProperty("raisedAt").GetDateTimeOffset();
            Assert.True(raised - accepted >= TimeSpan.FromSeconds(5), $"the 未签收 warning of {code} was raised {(raised - accepted).TotalSeconds:0.0} s after the case was accepted, before the 5 s limit");
            await page.ExpectMapCountAsync("data-warnings", "n > 0", Patience);
        });
    }

    [SkippableFact]
    public async Task Drill_down_to_a_township_and_back_up_to_the_county()
    {
        using var duty = await silo.ApiAsync("duty");
        var chengguan = await ScreenSilo.Json(await duty.GetAsync($"/api/regions/{ScreenSilo.Chengguan}"));
        var villages = chengguan.GetProperty("children").GetArrayLength();

        await silo.RunAsync(nameof(Drill_down_to_a_township_and_back_up_to_the_county), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);

            // Down by clicking the township, up by the breadcrumb.
            await page.Locator($"#regions [data-region='{ScreenSilo.Chengguan}']").ClickAsync();
            await page.ExpectLiveAsync(ScreenSilo.Chengguan);
            Assert.Contains($"scope={ScreenSilo.Chengguan}", page.Url, StringComparison.Ordinal);
            await Expect(page.Locator("#regions [data-region]")).ToHaveCountAsync(villages);
            var crumb = page.Locator($"#crumbs a[data-code='{ScreenSilo.County}']");
            await Expect(crumb).ToContainTextAsync(ScreenSilo.CountyName);

            await crumb.ClickAsync();
            await page.ExpectLiveAsync(ScreenSilo.County);
            await Expect(page.Locator("#regions [data-region]")).ToHaveCountAsync(10);
            await Expect(page.Locator($"#regions [data-region='{ScreenSilo.Chengguan}']")).ToContainTextAsync("城关镇");

            // The address follows, so the browser's back button goes back down.
            await page.GoBackAsync();
            await page.ExpectLiveAsync(ScreenSilo.Chengguan);
            await Expect(page.Locator("#regions [data-region]")).ToHaveCountAsync(villages);
        });
    }

    [SkippableFact]
    public async Task Clicking_a_pending_task_opens_its_case_card()
    {
        var created = await silo.CreateCaseAsync();
        var code = created.GetProperty("code").GetString()!;
        var title = created.GetProperty("case").GetProperty("title").GetString()!;

        await silo.RunAsync(nameof(Clicking_a_pending_task_opens_its_case_card), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);

            await page.Locator($"#tasks [data-case='{code}']").ClickAsync();
            var card = page.Locator($"#case-card[data-case='{code}']");
            await Expect(card).ToBeVisibleAsync();
            await Expect(card).ToContainTextAsync(title);
            await Expect(card).ToContainTextAsync(code);
            await Expect(card).ToContainTextAsync("人力资源和社会保障局");
        });
    }

    /// <summary>How long a test waits for something to show on the screen: patience, not a promise.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
}
