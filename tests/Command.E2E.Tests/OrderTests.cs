using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
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

        var openCase = (await silo.CreateCaseAsync(first)).GetProperty("code").GetString()!;

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
            // The text carries markup, as anyone may type it: every screen shows it as text.
            await form.Locator("[data-order-text]").FillAsync("立即组织排查辖区内燃气安全隐患，今日反馈<img src=x onerror=\"window.pwned=1\">");

            // An open case linked by searching its code, a photo attached, and the place clicked on the big map.
            await form.Locator("[data-order-case-search]").FillAsync(openCase);
            await form.Locator($"[data-case-option='{openCase}']").ClickAsync();
            await Expect(form.Locator($"[data-order-cases] [data-case='{openCase}']")).ToHaveCountAsync(1);
            await form.Locator("[data-order-files]").SetInputFilesAsync(new FilePayload { Name = "燃气点位.png", MimeType = "image/png", Buffer = Png });
            await form.Locator("[data-order-pick]").ClickAsync();
            await page.Locator("[data-order-picking]").ClickAsync();
            await Expect(form.Locator("[data-order-place-text]")).Not.ToHaveTextAsync("未选择");
            var signBy = DateTimeOffset.UtcNow.AddSeconds(25).ToOffset(TimeSpan.FromHours(8));
            // Chromium writes a datetime-local value back without ":00" seconds, and Playwright then calls the value malformed.
            signBy = signBy.Second == 0 ? signBy.AddSeconds(1) : signBy;
            await form.Locator("[data-order-sign-by]").FillAsync(signBy.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));

            await form.Locator("button[type=submit]").ClickAsync();
            await Expect(form).ToHaveCountAsync(0);

            var row = page.Locator("#orders li.order").Filter(new() { HasText = "燃气安全隐患" });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row.Locator("[data-signed]")).ToHaveTextAsync("0/2 已签收");
            // Each receiver can be followed up by video from its line (the call is logged against the order).
            await Expect(row.Locator("[data-target] button[data-action='video-call']")).ToHaveCountAsync(2);
            var id = await row.GetAttributeAsync("data-order");
            await Expect(row.Locator("[data-order-attachment]")).ToHaveTextAsync("燃气点位.png");
            await Expect(row).ToContainTextAsync(openCase);
            await Expect(page.Locator($"[data-order-pin='{id}']")).ToHaveCountAsync(1);
            await page.Locator($"[data-order-pin='{id}']").HoverAsync();
            await Expect(page.Locator(".leaflet-tooltip")).ToContainTextAsync("<img src=x");
            Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"), "the order's text ran as markup on the wall");

            // A receiver reads the place and the linked case, and opens the attachment.
            using var town = await silo.ApiAsync($"town-{first}");
            var received = await ScreenSilo.Json(await town.GetAsync($"/api/orders/{id}"));
            Assert.Equal(JsonValueKind.Number, received.GetProperty("lat").ValueKind);
            Assert.Equal([openCase], received.GetProperty("caseCodes").EnumerateArray().Select(c => c.GetString()));
            var attachment = received.GetProperty("attachments")[0].GetProperty("url").GetString()!;
            Assert.Equal(System.Net.HttpStatusCode.OK, (await town.GetAsync(attachment)).StatusCode);

            // The first township signs and reports back (as its console would): the wall follows without a click.
            await ScreenSilo.Json(await town.PostAsync($"/api/orders/{id}/sign", null));
            await Expect(row.Locator("[data-signed]")).ToHaveTextAsync("1/2 已签收", new() { Timeout = 5000 });
            await ScreenSilo.Json(await town.PostAsJsonAsync($"/api/orders/{id}/feedback", new { text = "已排查 12 户，无隐患" }));
            await Expect(row.Locator("[data-reported]")).ToHaveTextAsync("1 已反馈", new() { Timeout = 5000 });
            await Expect(row.Locator($"[data-target='{firstCenter}']")).ToContainTextAsync("已反馈");

            // The second never signs: at its limit the wall marks it and the warning list shows 指令未签收.
            await Expect(row.Locator($"[data-target='{secondCenter}']")).ToHaveAttributeAsync("data-status", "unsigned", new() { Timeout = 60000 });
            await Expect(row.Locator("[data-warnings]")).ToHaveTextAsync("1 超时未签收");
            await Expect(page.Locator("#warnings")).ToContainTextAsync("未签收调度指令", new() { Timeout = 10000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "orders-wall.png") });
        });
    }

    [SkippableFact]
    public async Task A_township_console_and_a_grid_workers_phone_get_the_order_at_once_and_sign_and_report_back_from_there()
    {
        using var duty = await silo.ApiAsync("duty");
        var workers = await ScreenSilo.Json(await duty.GetAsync($"/api/workers?region={ScreenSilo.Chengguan}&pageSize=200"));
        var worker = workers.GetProperty("items").EnumerateArray().Where(w => w.GetProperty("kind").GetString() == "专职网格员").Skip(7).First();
        var (workerId, workerName, grid) = (worker.GetProperty("id").GetInt64(), worker.GetProperty("name").GetString()!, worker.GetProperty("gridCode").GetString()!);
        var townCenter = $"center-{ScreenSilo.Chengguan}";
        var linkedCase = (await silo.CreateCaseAsync(ScreenSilo.Chengguan)).GetProperty("code").GetString()!;

        await silo.RunAsync(nameof(A_township_console_and_a_grid_workers_phone_get_the_order_at_once_and_sign_and_report_back_from_there), async desk =>
        {
            await desk.SignInAsync($"town-{ScreenSilo.Chengguan}");
            await desk.GotoAsync("/console/orders");
            await Expect(desk.Locator("#orders-console")).ToHaveAttributeAsync("data-live", "true", new() { Timeout = 15000 });

            // A place clicked on the issue form's map shows one marker; 清除位置 takes it off again.
            var pickMap = desk.Locator("#order-place-map");
            await Expect(pickMap).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 10000 });
            await pickMap.ClickAsync(new() { Position = new() { X = 60, Y = 60 } });
            await Expect(desk.Locator("[data-order-place]")).ToContainTextAsync("已选位置");
            await Expect(pickMap.Locator("path[fill='#ff4d4f']")).ToHaveCountAsync(1);
            await desk.GetByRole(AriaRole.Button, new() { Name = "清除位置" }).ClickAsync();
            await Expect(desk.Locator("[data-picked]")).ToHaveAttributeAsync("data-picked", "false");
            await Expect(pickMap.Locator("path[fill='#ff4d4f']")).ToHaveCountAsync(0);

            await using var phoneContext = await silo.NewContextAsync(new()
            {
                BaseURL = silo.BaseAddress.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true,
                Locale = "zh-CN", TimezoneId = "Asia/Shanghai",
            });
            var phone = await phoneContext.NewPageAsync();
            await phone.GotoAsync("/m");
            await phone.GetByLabel("用户名").FillAsync($"worker-{grid}");
            await phone.GetByLabel("密码").FillAsync("demo");
            await phone.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
            await Expect(phone.Locator("#who-name")).ToHaveTextAsync(workerName, new() { Timeout = 15000 });
            await Expect(phone.Locator("#orders")).ToContainTextAsync("暂无指令", new() { Timeout = 10000 });

            // Issued after both are open: each gets it without a reload.
            // With an attachment and a place, which the console shows (the place on a map on demand).
            using var upload = new MultipartFormDataContent();
            var content = new ByteArrayContent(Png);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
            upload.Add(content, "file", "水位点.png");
            var file = (await ScreenSilo.Json(await duty.PostAsync("/api/orders/attachments", upload))).GetProperty("id").GetString()!;
            var issued = await ScreenSilo.Json(await duty.PostAsJsonAsync("/api/orders", new
            {
                targets = new[] { townCenter, $"worker-{workerId}" }, text = "请核实河道水位并反馈（控制台与手机）", attachments = new[] { file }, lat = 40.39, lon = 111.82,
                caseCodes = new[] { linkedCase },
            }));
            var id = issued.GetProperty("id").GetString()!;
            var atDesk = desk.Locator($"#orders-received [data-order='{id}']");
            await Expect(atDesk).ToContainTextAsync("待签收", new() { Timeout = 5000 });
            await Expect(atDesk.Locator($"[data-order-attachment='{file}']")).ToHaveTextAsync("水位点.png");

            // A receiver sees the linked case's code as text, not as a link it may not be able to open.
            await Expect(atDesk.Locator($"[data-order-case='{linkedCase}']")).ToHaveTextAsync(linkedCase);
            await Expect(atDesk.Locator("a[href^='/console/cases/']")).ToHaveCountAsync(0);
            await atDesk.Locator("[data-order-show-map]").ClickAsync();
            await Expect(atDesk.Locator($"[data-order-map='{id}']")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 10000 });
            var atPhone = phone.Locator($"#orders [data-order='{id}']");
            await Expect(atPhone).ToContainTextAsync("待签收", new() { Timeout = 5000 });

            await atDesk.Locator("[data-order-sign]").ClickAsync();
            await Expect(atDesk).ToHaveAttributeAsync("data-status", "signed", new() { Timeout = 5000 });
            await atDesk.Locator("[data-order-feedback]").FillAsync("水位正常，已安排值守");
            await atDesk.Locator("button[type=submit]").ClickAsync();
            await Expect(atDesk).ToHaveAttributeAsync("data-status", "reported", new() { Timeout = 5000 });

            await atPhone.GetByRole(AriaRole.Button, new() { Name = "签收" }).ClickAsync();
            await Expect(atPhone).ToHaveAttributeAsync("data-status", "signed", new() { Timeout = 5000 });
            await atPhone.Locator("textarea").FillAsync("已到场查看");
            await atPhone.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "现场.png", MimeType = "image/png", Buffer = Png });
            await atPhone.GetByRole(AriaRole.Button, new() { Name = "反馈" }).ClickAsync();
            await Expect(atPhone).ToHaveAttributeAsync("data-status", "reported", new() { Timeout = 10000 });

            var order = await ScreenSilo.Json(await duty.GetAsync($"/api/orders/{id}"));
            Assert.Equal(2, order.GetProperty("reported").GetInt32());
            var workerLine = order.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("key").GetString() == $"worker-{workerId}");
            Assert.Equal(("已到场查看", 1), (workerLine.GetProperty("feedbackText").GetString(), workerLine.GetProperty("photos").GetArrayLength()));
            await phone.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "orders-phone.png") });
            await desk.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "orders-console.png") });
        });
    }

    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
}
