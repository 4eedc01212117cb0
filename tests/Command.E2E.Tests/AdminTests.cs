using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>The admin at a laptop: adds an account that can then sign in, and edits the auto-dispatch table.</summary>
[Collection(ScreenCollection.Name)]
public sealed class AdminTests(ScreenSilo silo)
{
    [SkippableFact]
    public async Task The_admin_adds_a_township_user_who_can_then_sign_in()
    {
        await silo.RunAsync(nameof(The_admin_adds_a_township_user_who_can_then_sign_in), async page =>
        {
            await page.SetViewportSizeAsync(1366, 768);
            await page.SignInAsync("admin");
            await page.GetByRole(AriaRole.Link, new() { Name = "系统管理" }).ClickAsync();
            await page.ExpectAdminReadyAsync();
            await Expect(page.Locator("[data-list=users] tr[data-user=admin]")).ToBeVisibleAsync();

            await page.Locator("[data-action=new-user]").ClickAsync();
            await page.Locator("[data-field=userName]").FillAsync("e2e-desk");
            await page.Locator("[data-field=displayName]").FillAsync("城关镇综治中心坐席");
            await page.Locator("[data-field=password]").FillAsync("weak");
            await page.Locator("[data-field=role]").SelectOptionAsync(new SelectOptionValue { Label = "乡镇综治中心" });
            await page.Locator("[data-field=township]").SelectOptionAsync(new SelectOptionValue { Label = "城关镇" });
            await page.Locator("[data-action=save]").ClickAsync();
            await Expect(page.Locator(".admin-form .admin-error")).ToContainTextAsync("密码长度");

            await page.Locator("[data-field=password]").FillAsync("Chengguan2026");
            await page.Locator("[data-action=save]").ClickAsync();
            await Expect(page.Locator(".admin-ok")).ToContainTextAsync("已创建用户 e2e-desk");
            await page.Locator("[data-field=search]").FillAsync("e2e-desk");
            await page.Locator("[data-field=search]").PressAsync("Enter");
            var row = page.Locator("[data-list=users] tr[data-user=e2e-desk]");
            await Expect(row).ToContainTextAsync("城关镇");
            await Expect(row).ToContainTextAsync("乡镇综治中心");
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "admin-users.png") });

            await page.Context.ClearCookiesAsync();
            await page.SignInAsync("e2e-desk", "Chengguan2026");
            await page.ExpectLiveAsync(ScreenSilo.Chengguan);
        });
    }
}

internal static class AdminPages
{
    /// <summary>Waits until the admin page is interactive (its circuit is connected), so clicks do something.</summary>
    public static Task ExpectAdminReadyAsync(this IPage page) =>
        Expect(page.Locator(".admin")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 20_000 });
}
