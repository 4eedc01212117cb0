using System.Net.Http.Json;
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

            await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal));
            await page.SignInAsync("e2e-desk", "Chengguan2026");
            await page.ExpectLiveAsync(ScreenSilo.Chengguan);
        });
    }

    [SkippableFact]
    public async Task The_admin_edits_a_dispatch_rule_and_a_bad_rule_is_refused_in_chinese()
    {
        using var admin = await silo.ApiAsync("admin");
        var original = await ScreenSilo.Json(await admin.GetAsync("/api/dispatch-rules"));
        var wages = original.EnumerateArray().Select((rule, i) => (rule, i))
            .Single(r => r.rule.GetProperty("category").GetString() == "10" && r.rule.GetProperty("urgency").GetString() == "").i + 1;
        try
        {
            await silo.RunAsync(nameof(The_admin_edits_a_dispatch_rule_and_a_bad_rule_is_refused_in_chinese), async page =>
            {
                await page.SetViewportSizeAsync(1366, 768);
                await page.SignInAsync("admin");
                await page.GotoAsync("/admin/dispatch-rules");
                await page.ExpectAdminReadyAsync();
                var rules = page.Locator("[data-list=rules] tbody tr");
                await Expect(rules).ToHaveCountAsync(original.GetArrayLength());

                // A new rule without a target is refused, in Chinese, and nothing is saved.
                await page.Locator("[data-action=add-rule]").ClickAsync();
                await page.Locator("[data-action=save-rules]").ClickAsync();
                await Expect(page.Locator(".admin-error")).ToContainTextAsync("派单目标");
                await Expect(page.Locator(".admin-error")).ToContainTextAsync("名称不能为空");
                await rules.Last.Locator("[data-action=remove]").ClickAsync();

                // 劳动争议/欠薪 goes to the township's 司法所 inside 城关镇, with a copy to 县人社局.
                var row = page.Locator($"[data-list=rules] tr[data-rule='{wages}']");
                await row.Locator("[data-field=name]").FillAsync("城关镇欠薪→司法所");
                await row.Locator("[data-field=region]").SelectOptionAsync(new SelectOptionValue { Label = $"{ScreenSilo.CountyName} · 城关镇" });
                await row.Locator("[data-field=target]").SelectOptionAsync(new SelectOptionValue { Label = "司法所" });
                await row.Locator("[data-field=copy]").SelectOptionAsync(new SelectOptionValue { Label = "县人社局" });
                await row.Locator("[data-action=up]").ClickAsync();
                await page.Locator("[data-action=save-rules]").ClickAsync();
                await Expect(page.Locator(".admin-ok")).ToContainTextAsync("已保存");
                await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "admin-dispatch-rules.png"), FullPage = true });
            });

            var saved = (await ScreenSilo.Json(await admin.GetAsync("/api/dispatch-rules"))).EnumerateArray().ToList();
            var rule = saved.Single(r => r.GetProperty("name").GetString() == "城关镇欠薪→司法所");
            Assert.Equal(original.GetArrayLength(), saved.Count);
            Assert.Equal((ScreenSilo.Chengguan, "10", "township:justice"), (rule.GetProperty("region").GetString(), rule.GetProperty("category").GetString(), rule.GetProperty("target").GetString()));
            Assert.Equal(["县人社局"], rule.GetProperty("copyNames").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal(wages - 1, rule.GetProperty("id").GetInt64());
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/dispatch-rules", original)).EnsureSuccessStatusCode();
        }
    }

    [SkippableFact]
    public async Task The_admin_sets_a_categorys_handling_limit_and_a_bad_one_is_refused_in_chinese()
    {
        using var admin = await silo.ApiAsync("admin");
        try
        {
            await silo.RunAsync(nameof(The_admin_sets_a_categorys_handling_limit_and_a_bad_one_is_refused_in_chinese), async page =>
            {
                await page.SetViewportSizeAsync(1366, 768);
                await page.SignInAsync("admin");
                await page.GotoAsync("/admin/categories");
                await page.ExpectAdminReadyAsync();
                var row = page.Locator("[data-list=categories] tr[data-category='02']");
                await Expect(row).ToContainTextAsync("邻里纠纷");

                await row.Locator("[data-field=limit]").FillAsync("-1");
                await row.Locator("[data-action=save-category]").ClickAsync();
                await Expect(page.Locator(".admin-error")).ToContainTextAsync("办理时限");

                await row.Locator("[data-field=limit]").FillAsync("5");
                await row.Locator("[data-action=save-category]").ClickAsync();
                await Expect(page.Locator(".admin-ok")).ToContainTextAsync("办理时限 5 天");
                await Expect(row).ToContainTextAsync("已调整");
                await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "admin-categories.png"), FullPage = true });
            });

            var neighbours = (await ScreenSilo.Json(await admin.GetAsync("/api/categories"))).EnumerateArray().Single(c => c.GetProperty("code").GetString() == "02");
            Assert.Equal("5 天", neighbours.GetProperty("limitName").GetString());
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/categories/02", new { })).EnsureSuccessStatusCode();
        }
    }
}

internal static class AdminPages
{
    /// <summary>Waits until the admin page is interactive (its circuit is connected), so clicks do something.</summary>
    public static Task ExpectAdminReadyAsync(this IPage page) =>
        Expect(page.Locator(".admin")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 20_000 });
}
