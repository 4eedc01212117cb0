using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>调度指令 from the big screen: issued to two townships, followed live on the issuer's wall.</summary>
[Collection(ScreenCollection.Name)]
public sealed class OrderTests(ScreenSilo silo)
{
    [SkippableFact]
    public async Task An_order_to_two_townships_shows_one_signing_and_reporting_back_and_the_others_limit_passing_live_on_the_issuers_wall()
    {
        var townships = await silo.TownshipsAsync();
        var first = ScreenSilo.Chengguan;
        var second = townships.Keys.First(k => k != first);
        var firstCenter = $"center-{first}";
        var secondCenter = $"center-{second}";

        await silo.RunAsync(nameof(An_order_to_two_townships_shows_one_signing_and_reporting_back_and_the_others_limit_passing_live_on_the_issuers_wall), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);

            // Issued from the wall's form to the two township centers, with a sign-for limit a few seconds away.
            await page.ClickAsync("[data-order-new]");
            var form = page.Locator("#order-form");
            await form.Locator("[data-order-filter]").FillAsync("综治中心");
            await form.Locator($"[data-option='{firstCenter}'] input").CheckAsync();
            await form.Locator($"[data-option='{secondCenter}'] input").CheckAsync();
            await form.Locator("[data-order-text]").FillAsync("立即组织排查辖区内燃气安全隐患，今日反馈");
            var signBy = DateTimeOffset.UtcNow.AddSeconds(12).ToOffset(TimeSpan.FromHours(8));
            await form.Locator("[data-order-sign-by]").FillAsync(signBy.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
            await form.Locator("button[type=submit]").ClickAsync();
            await Expect(form).ToHaveCountAsync(0);

            var row = page.Locator("#orders li.order").Filter(new() { HasText = "燃气安全隐患" });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row.Locator("[data-signed]")).ToHaveTextAsync("0/2 已签收");
            var id = await row.GetAttributeAsync("data-order");

            // The first township signs and reports back (as its console would): the wall follows without a click.
            using var town = await silo.ApiAsync($"town-{first}");
            await ScreenSilo.Json(await town.PostAsync($"/api/orders/{id}/sign", null));
            await Expect(row.Locator("[data-signed]")).ToHaveTextAsync("1/2 已签收", new() { Timeout = 5000 });
            await ScreenSilo.Json(await town.PostAsJsonAsync($"/api/orders/{id}/feedback", new { text = "已排查 12 户，无隐患" }));
            await Expect(row.Locator("[data-reported]")).ToHaveTextAsync("1 已反馈", new() { Timeout = 5000 });
            await Expect(row.Locator($"[data-target='{firstCenter}']")).ToContainTextAsync("已反馈");

            // The second never signs: at its limit the wall marks it and the warning list shows 指令未签收.
            await Expect(row.Locator($"[data-target='{secondCenter}']")).ToHaveAttributeAsync("data-status", "unsigned", new() { Timeout = 30000 });
            await Expect(row.Locator("[data-warnings]")).ToHaveTextAsync("1 超时未签收");
            await Expect(page.Locator("#warnings")).ToContainTextAsync("未签收调度指令", new() { Timeout = 10000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "orders-wall.png") });
        });
    }
}
