using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Bench;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>
/// The grid worker's phone at /m in a 390×844 Chromium with emulated geolocation, against the real silo, with the county's
/// big screen beside it where a test needs one.
/// </summary>
[Collection(ScreenCollection.Name)]
public sealed class PhoneTests(ScreenSilo silo)
{
    private static readonly float Soon = 15_000;

    /// <summary>The smallest valid PNG: one pixel.</summary>
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    [SkippableFact]
    public async Task The_worker_signs_for_a_task_and_resolves_it_with_a_photo_and_their_dot_moves_on_the_county_screen()
    {
        var worker = await WorkerAsync(3);
        var code = await TaskForAsync(worker, "楼道堆放杂物（测试）");

        await RunAsync(nameof(The_worker_signs_for_a_task_and_resolves_it_with_a_photo_and_their_dot_moves_on_the_county_screen), worker, async (phone, context, county) =>
        {
            await county.SignInAsync("duty");
            await county.ExpectLiveAsync(ScreenSilo.County);

            await SignInAsync(phone, worker);
            var task = phone.Locator($"#task-list [data-code='{code}']");
            await Expect(task).ToBeVisibleAsync(new() { Timeout = Soon });
            await Expect(task).ToContainTextAsync("待签收");
            await Shoot(phone, "phone-tasks");

            // The phone shares its position: the worker's dot appears on the county screen, and moves when they walk.
            var first = await DotAsync(county, worker.Id, null);
            await context.SetGeolocationAsync(new() { Latitude = (float)worker.Elsewhere.Lat, Longitude = (float)worker.Elsewhere.Lon, Accuracy = 10 });
            var moved = await DotAsync(county, worker.Id, first);
            Assert.NotEqual(first, moved);

            // Today's patrol shows the distance walked and the track.
            await phone.Locator("nav.tabs button[data-go=patrol]").ClickAsync();
            await Expect(phone.Locator("#patrol-track polyline")).ToHaveCountAsync(1, new() { Timeout = Soon });
            Assert.NotEqual("–", await phone.Locator("#patrol-km").TextContentAsync());
            await Shoot(phone, "phone-patrol");
            await phone.Locator("nav.tabs button[data-go=tasks]").ClickAsync();

            await task.ClickAsync();
            await phone.Locator("#task-actions button[data-action=sign]").ClickAsync();
            await Expect(phone.Locator("#task-detail")).ToContainTextAsync("处置中", new() { Timeout = Soon });

            await phone.Locator("#task-actions button[data-action=resolve]").ClickAsync();
            await phone.Locator("#task-form textarea[name=note]").FillAsync("已协调物业清理完毕");
            await phone.Locator("#task-form input[name=photos]").SetInputFilesAsync(new FilePayload { Name = "现场.png", MimeType = "image/png", Buffer = Png });
            await Expect(phone.Locator("#task-thumbs img")).ToHaveCountAsync(1);
            await Shoot(phone, "phone-resolve");
            await phone.Locator("#task-form-submit").ClickAsync();
            await Expect(phone.Locator("#task-detail")).ToContainTextAsync("待验证", new() { Timeout = Soon });
            await Shoot(phone, "phone-resolved");

            using var duty = await silo.ApiAsync("duty");
            var view = await ScreenSilo.Json(await duty.GetAsync($"/api/cases/{code}"));
            Assert.Equal("resolved", view.GetProperty("status").GetString());
            var photo = Assert.Single(view.GetProperty("attachments").EnumerateArray());
            Assert.Equal("image/jpeg", photo.GetProperty("contentType").GetString()); // recompressed on the phone
            Assert.Equal(worker.UserName, photo.GetProperty("uploadedBy").GetString());
            await Shoot(county, "county-with-phone-worker");
        });
    }

    [SkippableFact]
    public async Task A_report_made_offline_is_kept_on_the_phone_and_delivered_when_the_network_is_back()
    {
        var worker = await WorkerAsync(4);
        var title = $"路灯损坏（离线测试 {Guid.NewGuid().ToString("N")[..6]}）";

        await RunAsync(nameof(A_report_made_offline_is_kept_on_the_phone_and_delivered_when_the_network_is_back), worker, async (phone, context, _) =>
        {
            await SignInAsync(phone, worker);
            await phone.Locator("nav.tabs button[data-go=report]").ClickAsync();
            await Expect(phone.Locator("#report-where")).ToContainTextAsync("GPS", new() { Timeout = Soon });

            // The page was installed (its service worker holds the shell) before the network goes.
            await phone.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null", null, new() { Timeout = Soon });
            await context.SetOfflineAsync(true);
            var form = phone.Locator("#report-form");
            await form.Locator("select[name=category]").SelectOptionAsync(new SelectOptionValue { Label = "安全隐患" });
            await form.Locator("input[name=title]").FillAsync(title);
            await form.Locator("textarea[name=description]").FillAsync("小区东门路灯不亮，夜间行人易摔倒");
            await form.Locator("input[name=photos]").SetInputFilesAsync(new FilePayload { Name = "路灯.png", MimeType = "image/png", Buffer = Png });
            await Expect(phone.Locator("#report-thumbs img")).ToHaveCountAsync(1);
            await form.GetByRole(AriaRole.Button, new() { Name = "上报" }).ClickAsync();

            await Expect(phone.Locator("#net")).ToContainTextAsync("离线");
            await Expect(phone.Locator("#net")).ToContainTextAsync("待发送");
            await Expect(phone.Locator("#pending-list [data-pending]").Filter(new() { HasText = title })).ToContainTextAsync("照片 1 张");
            await Shoot(phone, "phone-offline-report");
            Assert.Null(await CaseTitledAsync(worker, title));

            // Even a reload while offline starts the page from the service worker's cache and keeps the outbox.
            await phone.ReloadAsync();
            await Expect(phone.Locator("#pending-list [data-pending]").Filter(new() { HasText = title })).ToBeVisibleAsync(new() { Timeout = Soon });

            await context.SetOfflineAsync(false);
            await Expect(phone.Locator("#toast")).ToContainTextAsync("上报已送达", new() { Timeout = 30_000 });
            await Expect(phone.Locator("#net")).Not.ToContainTextAsync("待发送");
            await Expect(phone.Locator("#pending-list [data-pending]")).ToHaveCountAsync(0);
            var code = await CaseTitledAsync(worker, title);
            Assert.NotNull(code);
            using var duty = await silo.ApiAsync("duty");
            var view = await ScreenSilo.Json(await duty.GetAsync($"/api/cases/{code}"));
            Assert.Equal("grid", view.GetProperty("channel").GetString());
            Assert.Single(view.GetProperty("attachments").EnumerateArray());
        });
    }

    [SkippableFact]
    public async Task An_SOS_from_the_phone_appears_on_the_county_screen()
    {
        var worker = await WorkerAsync(5);

        await RunAsync(nameof(An_SOS_from_the_phone_appears_on_the_county_screen), worker, async (phone, _, county) =>
        {
            await county.SignInAsync("duty");
            await county.ExpectLiveAsync(ScreenSilo.County);
            await SignInAsync(phone, worker);

            await phone.Locator("#sos").ClickAsync();
            await phone.Locator("#sos-ok").ClickAsync();
            await Expect(phone.Locator("#sos-banner")).ToBeVisibleAsync();
            await Expect(phone.Locator("#sos-text")).ToContainTextAsync("已报警", new() { Timeout = Soon });

            var warning = county.Locator("#warnings [data-warning]").Filter(new() { HasText = "一键报警" }).Filter(new() { HasText = worker.Name });
            await Expect(warning.First).ToBeVisibleAsync(new() { Timeout = Soon });
            await Shoot(phone, "phone-sos");
            await Shoot(county, "county-sos");

            await phone.Locator("#sos-cancel").ClickAsync();
            await Expect(phone.Locator("#sos-banner")).ToBeHiddenAsync();
        });
    }

    [SkippableFact]
    public async Task An_SOS_pressed_without_a_network_waits_on_the_phone_and_goes_out_when_the_network_is_back()
    {
        var worker = await WorkerAsync(8);

        await RunAsync(nameof(An_SOS_pressed_without_a_network_waits_on_the_phone_and_goes_out_when_the_network_is_back), worker, async (phone, context, county) =>
        {
            await county.SignInAsync("duty");
            await county.ExpectLiveAsync(ScreenSilo.County);
            await SignInAsync(phone, worker);
            await phone.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null", null, new() { Timeout = Soon });

            await context.SetOfflineAsync(true);
            await phone.Locator("#sos").ClickAsync();
            await phone.Locator("#sos-ok").ClickAsync();
            await Expect(phone.Locator("#sos-banner")).ToBeVisibleAsync();
            await Expect(phone.Locator("#sos-text")).ToContainTextAsync("联网后立即发送", new() { Timeout = Soon });

            await context.SetOfflineAsync(false);
            await Expect(phone.Locator("#sos-text")).ToContainTextAsync("已报警", new() { Timeout = 30_000 });
            var warning = county.Locator("#warnings [data-warning]").Filter(new() { HasText = "一键报警" }).Filter(new() { HasText = worker.Name });
            await Expect(warning.First).ToBeVisibleAsync(new() { Timeout = Soon });

            await phone.Locator("#sos-cancel").ClickAsync();
            await Expect(phone.Locator("#sos-banner")).ToBeHiddenAsync();
        });
    }

    [SkippableFact]
    public async Task What_one_worker_queued_offline_is_never_sent_under_the_next_worker_who_signs_in_on_the_same_phone()
    {
        var first = await WorkerAsync(6);
        var second = await WorkerAsync(7);
        var title = $"井盖缺失（换人测试 {Guid.NewGuid().ToString("N")[..6]}）";

        await RunAsync(nameof(What_one_worker_queued_offline_is_never_sent_under_the_next_worker_who_signs_in_on_the_same_phone), first, async (phone, context, _) =>
        {
            phone.Dialog += (_, dialog) => dialog.AcceptAsync(); // 退出登录 asks before leaving unsent items on the phone

            // The first worker reports offline: the report waits in the outbox.
            await SignInAsync(phone, first);
            await phone.Locator("nav.tabs button[data-go=report]").ClickAsync();
            await Expect(phone.Locator("#report-where")).ToContainTextAsync("GPS", new() { Timeout = Soon });
            await phone.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null", null, new() { Timeout = Soon });
            await context.SetOfflineAsync(true);
            var form = phone.Locator("#report-form");
            await form.Locator("select[name=category]").SelectOptionAsync(new SelectOptionValue { Label = "安全隐患" });
            await form.Locator("input[name=title]").FillAsync(title);
            await form.Locator("textarea[name=description]").FillAsync("人行道井盖缺失，需尽快围挡");
            await form.Locator("input[name=photos]").SetInputFilesAsync(new FilePayload { Name = "井盖.png", MimeType = "image/png", Buffer = Png });
            await Expect(phone.Locator("#report-thumbs img")).ToHaveCountAsync(1);
            await form.GetByRole(AriaRole.Button, new() { Name = "上报" }).ClickAsync();
            await Expect(phone.Locator("#pending-list [data-pending]").Filter(new() { HasText = title })).ToBeVisibleAsync(new() { Timeout = Soon });

            // Their session runs out while the report waits (the network comes back to a 401, and the report stays), and the
            // second worker signs in on the same phone.
            await context.ClearCookiesAsync();
            await context.SetOfflineAsync(false);
            await Expect(phone.Locator("#net")).ToContainTextAsync("在线", new() { Timeout = Soon });
            await SignInAsync(phone, second);

            // The report is kept for its own account: not listed, not counted as the second worker's, and not sent.
            await phone.Locator("nav.tabs button[data-go=me]").ClickAsync();
            // (the report, and perhaps the first worker's last positions, which are theirs too)
            await Expect(phone.Locator("#me-outbox")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("其他账号的 [1-9]\\d* 条"), new() { Timeout = Soon });
            await Expect(phone.Locator("#net")).ToContainTextAsync("在线");
            await Expect(phone.Locator("#net")).Not.ToContainTextAsync("待发送");
            await Expect(phone.Locator("#pending-list [data-pending]")).ToHaveCountAsync(0);
            await phone.EvaluateAsync("() => new Promise(r => setTimeout(r, 3000))"); // the outbox has had its round
            Assert.Null(await CaseTitledAsync(first, title));

            // The second worker signs out with the button; back under the first worker, the report goes out as theirs.
            await phone.Locator("#signout").ClickAsync();
            await Expect(phone.Locator("#signin")).ToBeVisibleAsync(new() { Timeout = Soon });
            await SignInAsync(phone, first);
            await Expect(phone.Locator("#toast")).ToContainTextAsync("上报已送达", new() { Timeout = 30_000 });
            var code = await CaseTitledAsync(first, title);
            Assert.NotNull(code);
            using var duty = await silo.ApiAsync("duty");
            var view = await ScreenSilo.Json(await duty.GetAsync($"/api/cases/{code}"));
            Assert.Equal(first.UserName, Assert.Single(view.GetProperty("attachments").EnumerateArray()).GetProperty("uploadedBy").GetString());
        });
    }

    [SkippableFact]
    public async Task A_report_the_server_refuses_stays_on_the_phone_with_its_reason_until_the_worker_deletes_it()
    {
        var worker = await WorkerAsync(9);
        var title = $"占道经营（拒收测试 {Guid.NewGuid().ToString("N")[..6]}）";

        await RunAsync(nameof(A_report_the_server_refuses_stays_on_the_phone_with_its_reason_until_the_worker_deletes_it), worker, async (phone, context, _) =>
        {
            phone.Dialog += (_, dialog) => dialog.AcceptAsync(); // 删除 asks first
            // The categories offered are the ones the console's forms get (GET /api/categories): here only 安全隐患.
            await phone.RouteAsync("**/api/categories", async route =>
            {
                var response = await route.FetchAsync();
                var all = System.Text.Json.Nodes.JsonNode.Parse(await response.TextAsync())!.AsArray();
                var kept = new System.Text.Json.Nodes.JsonArray([.. all.Where(c => (string?)c!["name"] == "安全隐患").Select(c => c!.DeepClone())]);
                await route.FulfillAsync(new() { Response = response, Body = kept.ToJsonString() });
            });

            // The phone is far outside the county: its positions are refused, and so is a report from there.
            await context.SetGeolocationAsync(new() { Latitude = 0.5f, Longitude = 0.5f, Accuracy = 10 });
            await SignInAsync(phone, worker);
            await phone.Locator("nav.tabs button[data-go=report]").ClickAsync();
            await Expect(phone.Locator("#report-where")).ToContainTextAsync("GPS", new() { Timeout = Soon });
            var form = phone.Locator("#report-form");
            await Expect(form.Locator("select[name=category] option")).ToHaveCountAsync(2); // 请选择类别 and 安全隐患
            await form.Locator("select[name=category]").SelectOptionAsync(new SelectOptionValue { Label = "安全隐患" });
            await form.Locator("input[name=title]").FillAsync(title);
            await form.Locator("textarea[name=description]").FillAsync("路口有人占道经营，影响通行");
            await form.Locator("input[name=photos]").SetInputFilesAsync(new FilePayload { Name = "占道.png", MimeType = "image/png", Buffer = Png });
            await Expect(phone.Locator("#report-thumbs img")).ToHaveCountAsync(1);
            await form.GetByRole(AriaRole.Button, new() { Name = "上报" }).ClickAsync();

            // Refused: kept, marked, with the server's Chinese reason and its photo; not sent again; and still there after a reload.
            var kept = phone.Locator("#pending-list [data-pending]").Filter(new() { HasText = title });
            await Expect(kept).ToContainTextAsync("未被接受", new() { Timeout = Soon });
            await Expect(kept).ToContainTextAsync("不在您可上报的任何网格内");
            await Expect(kept).ToContainTextAsync("照片 1 张");
            await Expect(phone.Locator("#net")).ToContainTextAsync("未被接受 1");
            await Expect(phone.Locator("#net")).Not.ToContainTextAsync("待发送");
            await Shoot(phone, "phone-refused-report");
            await phone.ReloadAsync();
            await Expect(kept).ToContainTextAsync("不在您可上报的任何网格内", new() { Timeout = Soon });
            Assert.Null(await CaseTitledAsync(worker, title));

            // The refused positions are counted under 我的, with the reason.
            await phone.Locator("nav.tabs button[data-go=me]").ClickAsync();
            await Expect(phone.Locator("#me-positions-refused")).ToContainTextAsync("超出所属县", new() { Timeout = 30_000 });

            // The worker deletes it.
            await phone.Locator("nav.tabs button[data-go=tasks]").ClickAsync();
            await kept.GetByRole(AriaRole.Button, new() { Name = "删除" }).ClickAsync();
            await Expect(kept).ToHaveCountAsync(0);
            await Expect(phone.Locator("#net")).Not.ToContainTextAsync("未被接受");
        });
    }

    [SkippableFact]
    public async Task A_task_offers_only_the_buttons_the_server_allows()
    {
        var worker = await WorkerAsync(10);
        var code = await TaskForAsync(worker, "垃圾堆放（按服务器许可显示按钮）");

        await RunAsync(nameof(A_task_offers_only_the_buttons_the_server_allows), worker, async (phone, _, _) =>
        {
            // The task as the server answers it, except that only 反馈进展 is allowed (a dispatched task would show 签收 by its state).
            await phone.RouteAsync($"**/api/cases/{code}", async route =>
            {
                var response = await route.FetchAsync();
                var body = System.Text.Json.Nodes.JsonNode.Parse(await response.TextAsync())!.AsObject();
                body["allowed"] = new System.Text.Json.Nodes.JsonArray("progress");
                await route.FulfillAsync(new() { Response = response, Body = body.ToJsonString() });
            });
            await SignInAsync(phone, worker);
            var task = phone.Locator($"#task-list [data-code='{code}']");
            await Expect(task).ToBeVisibleAsync(new() { Timeout = Soon });
            await task.ClickAsync();
            await Expect(phone.Locator("#task-detail")).ToContainTextAsync("垃圾堆放");
            await Expect(phone.Locator("#task-actions button[data-action=progress]")).ToBeVisibleAsync();
            await Expect(phone.Locator("#task-actions button[data-action]")).ToHaveCountAsync(1);
        });
    }

    [SkippableFact]
    public async Task An_order_signed_and_reported_back_offline_reaches_the_issuer_once_and_a_push_keeps_the_report_being_typed()
    {
        var worker = await WorkerAsync(11);
        var tag = Guid.NewGuid().ToString("N")[..6];
        using var duty = await silo.ApiAsync("duty");

        await RunAsync(nameof(An_order_signed_and_reported_back_offline_reaches_the_issuer_once_and_a_push_keeps_the_report_being_typed), worker, async (phone, context, _) =>
        {
            await SignInAsync(phone, worker);
            var id = await IssueAsync(duty, worker, $"排查电动车违规充电（离线测试 {tag}）");
            var card = phone.Locator($"#orders [data-order='{id}']");
            await Expect(card).ToContainTextAsync("待签收", new() { Timeout = Soon });
            await phone.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null", null, new() { Timeout = Soon });

            // The first 反馈 that reaches the server loses its answer on the way back: the phone must send it again, and the
            // order must keep it once.
            var feedbackPosts = 0;
            await context.RouteAsync($"**/api/orders/{id}/feedback", async route =>
            {
                if (Interlocked.Increment(ref feedbackPosts) == 1)
                {
                    await route.FetchAsync();
                    await route.AbortAsync();
                }
                else
                {
                    await route.ContinueAsync();
                }
            });

            // Offline: 签收 and 反馈 (text and a photo) wait on the phone, and the card says so.
            await context.SetOfflineAsync(true);
            await card.GetByRole(AriaRole.Button, new() { Name = "签收", Exact = true }).DblClickAsync(); // queued once
            await Expect(card).ToContainTextAsync("签收待发送");
            await card.Locator("textarea").FillAsync("已上门排查 8 户，发现 1 处违规充电，已劝导整改");
            await card.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "充电.png", MimeType = "image/png", Buffer = Png });
            await Expect(card.Locator(".thumbs img")).ToHaveCountAsync(1, new() { Timeout = Soon });
            await card.GetByRole(AriaRole.Button, new() { Name = "反馈", Exact = true }).ClickAsync();
            await Expect(card).ToContainTextAsync("反馈待发送");
            await Expect(card).ToHaveAttributeAsync("data-waiting", "sign feedback");
            await Expect(card.Locator("textarea")).ToHaveValueAsync("");
            await Expect(phone.Locator("#net")).ToContainTextAsync("待发送");
            await Shoot(phone, "phone-offline-order");
            Assert.Equal("待签收", (await WorkerLineAsync(duty, id, worker)).GetProperty("statusName").GetString());

            // Online again: both go out, in order, and the card shows the order as the server now has it.
            await context.SetOfflineAsync(false);
            await Expect(card).ToHaveAttributeAsync("data-status", "reported", new() { Timeout = 45_000 });
            await Expect(phone.Locator($"#orders [data-order='{id}'][data-waiting]")).ToHaveCountAsync(0, new() { Timeout = Soon });
            await Expect(card).ToContainTextAsync("已反馈：已上门排查 8 户");
            Assert.True(feedbackPosts >= 2, $"the 反馈 whose answer was lost was sent {feedbackPosts} time(s)");

            var order = await ScreenSilo.Json(await duty.GetAsync($"/api/orders/{id}"));
            var line = order.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("key").GetString() == $"worker-{worker.Id}");
            Assert.Equal(("已反馈", "已上门排查 8 户，发现 1 处违规充电，已劝导整改", 1),
                (line.GetProperty("statusName").GetString(), line.GetProperty("feedbackText").GetString(), line.GetProperty("photos").GetArrayLength()));
            Assert.Equal(new[] { ("签收", 1), ("反馈", 1) }, Steps(order, worker));

            // A 反馈 being written (text and a photo) survives a push of another order, keeps the focus, and survives a reload.
            var note = card.Locator("textarea");
            await note.FillAsync("第二次核查：");
            await card.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "复查.png", MimeType = "image/png", Buffer = Png });
            await Expect(card.Locator(".thumbs img")).ToHaveCountAsync(1, new() { Timeout = Soon });
            await note.PressAsync("End");
            var other = await IssueAsync(duty, worker, $"今晚巡查河堤（推送测试 {tag}）");
            await Expect(phone.Locator($"#orders [data-order='{other}']")).ToBeVisibleAsync(new() { Timeout = Soon });
            await Expect(note).ToHaveValueAsync("第二次核查：");
            await Expect(card.Locator(".thumbs img")).ToHaveCountAsync(1);
            await phone.Keyboard.TypeAsync("无新增隐患");
            await Expect(note).ToHaveValueAsync("第二次核查：无新增隐患");
            await Shoot(phone, "phone-order-draft");

            await phone.ReloadAsync();
            await Expect(note).ToHaveValueAsync("第二次核查：无新增隐患", new() { Timeout = Soon });
            await Expect(card.Locator(".thumbs img")).ToHaveCountAsync(1, new() { Timeout = Soon });

            // Sent, the draft is gone (after a reload too) and the issuer has the second 反馈 with its photo.
            await card.GetByRole(AriaRole.Button, new() { Name = "再次反馈", Exact = true }).ClickAsync();
            await Expect(card).ToContainTextAsync("已反馈：第二次核查：无新增隐患", new() { Timeout = Soon });
            await Expect(note).ToHaveValueAsync("");
            await phone.ReloadAsync();
            await Expect(card).ToContainTextAsync("已反馈：第二次核查：无新增隐患", new() { Timeout = Soon });
            await Expect(note).ToHaveValueAsync("");
            await Expect(card.Locator(".thumbs img")).ToHaveCountAsync(0);
            order = await ScreenSilo.Json(await duty.GetAsync($"/api/orders/{id}"));
            Assert.Equal(new[] { ("签收", 1), ("反馈", 2) }, Steps(order, worker));
            Assert.Equal(2, (await WorkerLineAsync(duty, id, worker)).GetProperty("photos").GetArrayLength());

            // A 反馈 refused for good shows what it said, and 改后重发 puts it back into the draft to be changed and sent.
            await context.RouteAsync($"**/api/orders/{id}/feedback", route => route.FulfillAsync(new()
            {
                Status = 400,
                ContentType = "application/problem+json",
                Body = """{"title":"请求有误","status":400,"detail":"反馈内容不符合要求"}""",
            }));
            await note.FillAsync("第三次核查：一切正常");
            await card.GetByRole(AriaRole.Button, new() { Name = "再次反馈", Exact = true }).ClickAsync();
            var refused = card.Locator(".refused");
            await Expect(refused).ToContainTextAsync("反馈未被接受：反馈内容不符合要求", new() { Timeout = Soon });
            await Expect(refused).ToContainTextAsync("反馈内容：第三次核查：一切正常");
            await context.UnrouteAsync($"**/api/orders/{id}/feedback");
            await refused.GetByRole(AriaRole.Button, new() { Name = "改后重发", Exact = true }).ClickAsync();
            await Expect(card.Locator(".refused")).ToHaveCountAsync(0, new() { Timeout = Soon });
            await Expect(note).ToHaveValueAsync("第三次核查：一切正常");
            await note.FillAsync("第三次核查：一切正常，已拍照存档");
            await card.GetByRole(AriaRole.Button, new() { Name = "再次反馈", Exact = true }).ClickAsync();
            await Expect(card).ToContainTextAsync("已反馈：第三次核查：一切正常，已拍照存档", new() { Timeout = Soon });
            Assert.Equal(new[] { ("签收", 1), ("反馈", 3) }, Steps(await ScreenSilo.Json(await duty.GetAsync($"/api/orders/{id}")), worker));
        });
    }

    /// <summary>The duty officer issues an order to the worker; answers its id.</summary>
    private static async Task<string> IssueAsync(HttpClient duty, Worker worker, string text) =>
        (await ScreenSilo.Json(await duty.PostAsJsonAsync("/api/orders", new { targets = new[] { $"worker-{worker.Id}" }, text }))).GetProperty("id").GetString()!;

    private static async Task<JsonElement> WorkerLineAsync(HttpClient duty, string id, Worker worker) =>
        (await ScreenSilo.Json(await duty.GetAsync($"/api/orders/{id}"))).GetProperty("targets").EnumerateArray()
            .Single(t => t.GetProperty("key").GetString() == $"worker-{worker.Id}");

    /// <summary>How many 签收 and 反馈 steps of the worker the order's history holds.</summary>
    private static (string, int)[] Steps(JsonElement order, Worker worker)
    {
        var steps = order.GetProperty("history").EnumerateArray()
            .Where(e => e.GetProperty("target").ValueKind == JsonValueKind.String && e.GetProperty("target").GetString() == $"worker-{worker.Id}")
            .Select(e => e.GetProperty("actionName").GetString()!)
            .ToList();
        return [("签收", steps.Count(s => s == "签收")), ("反馈", steps.Count(s => s == "反馈"))];
    }

    private sealed record Worker(long Id, string Name, string GridCode, string UserName, (double Lat, double Lon) Home, (double Lat, double Lon) Elsewhere);

    /// <summary>The n-th worker of 城关镇 (each test its own), with two points inside their grid.</summary>
    private async Task<Worker> WorkerAsync(int n)
    {
        using var admin = await silo.ApiAsync("admin");
        // The account worker-{grid} is the grid's full-time worker (a grid may also have a part-time helper).
        var item = (await ScreenSilo.Json(await admin.GetAsync($"/api/workers?region={ScreenSilo.Chengguan}&pageSize=40"))).GetProperty("items").EnumerateArray()
            .Where(w => w.GetProperty("kind").GetString() == "专职网格员").ElementAt(n);
        var grid = item.GetProperty("gridCode").GetString()!;
        using var duty = await silo.ApiAsync("duty");
        var shapes = BoundaryPoints.Parse(await duty.GetStringAsync(new Uri($"/api/regions/{grid[..12]}/boundaries", UriKind.Relative)));
        var random = new Random(n);
        return new Worker(item.GetProperty("id").GetInt64(), item.GetProperty("name").GetString()!, grid, $"worker-{grid}",
            shapes.RandomPoint(grid, random), shapes.RandomPoint(grid, random));
    }

    /// <summary>The duty officer registers a case in the worker's grid and sends it to the worker: a task 待签收 on their phone.</summary>
    private async Task<string> TaskForAsync(Worker worker, string title)
    {
        using var duty = await silo.ApiAsync("duty");
        var created = await ScreenSilo.Json(await duty.PostAsJsonAsync("/api/cases", new
        {
            channel = "walk_in", category = "99", urgency = "medium", title, description = "群众反映楼道堆放杂物，存在消防隐患", lat = worker.Home.Lat, lon = worker.Home.Lon,
        }));
        var code = created.GetProperty("code").GetString()!;
        await ScreenSilo.Json(await duty.PostAsJsonAsync($"/api/cases/{code}/dispatch", new { to = $"worker-{worker.Id}", note = "请网格员核实处置" }));
        return code;
    }

    private async Task<string?> CaseTitledAsync(Worker worker, string title)
    {
        using var duty = await silo.ApiAsync("duty");
        var page = await ScreenSilo.Json(await duty.GetAsync($"/api/cases?region={worker.GridCode[..12]}&pageSize=200"));
        return page.GetProperty("items").EnumerateArray().FirstOrDefault(c => c.GetProperty("title").GetString() == title) is { ValueKind: JsonValueKind.Object } c
            ? c.GetProperty("code").GetString()
            : null;
    }

    private static async Task SignInAsync(IPage phone, Worker worker)
    {
        await phone.GotoAsync("/m");
        await phone.GetByLabel("用户名").FillAsync(worker.UserName);
        await phone.GetByLabel("密码").FillAsync("demo");
        await phone.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(phone.Locator("#who-name")).ToHaveTextAsync(worker.Name, new() { Timeout = Soon });
    }

    /// <summary>Where the county screen draws the worker's dot, once it is drawn and differs from <paramref name="before"/>.</summary>
    private static async Task<string> DotAsync(IPage county, long workerId, string? before)
    {
        var handle = await county.WaitForFunctionAsync(
            "([id, before]) => { const p = window.commandScreen?.pointOf('worker', id); if (!p) return null; const s = `${Math.round(p.x)},${Math.round(p.y)}`; return s !== before ? s : null; }",
            new object?[] { workerId, before }, new() { Timeout = 30_000, PollingInterval = 200 });
        return (await handle.JsonValueAsync<string>())!;
    }

    private static Task Shoot(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), $"{name}.png") });

    /// <summary>A 390×844 phone (geolocation granted, at the worker's home point) and a 1920×1080 county screen; on failure both are kept.</summary>
    private async Task RunAsync(string test, Worker worker, Func<IPage, IBrowserContext, IPage, Task> body)
    {
        await using var phoneContext = await silo.NewContextAsync(new()
        {
            BaseURL = silo.BaseAddress.ToString(),
            ViewportSize = new() { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            Permissions = ["geolocation"],
            Geolocation = new() { Latitude = (float)worker.Home.Lat, Longitude = (float)worker.Home.Lon, Accuracy = 10 },
        });
        await using var screenContext = await silo.NewContextAsync(new()
        {
            BaseURL = silo.BaseAddress.ToString(), ViewportSize = new() { Width = 1920, Height = 1080 }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai",
        });
        var phone = await phoneContext.NewPageAsync();
        var county = await screenContext.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        var thrown = new ConcurrentQueue<string>();
        phone.Console += (_, m) => console.Enqueue($"{DateTime.Now:HH:mm:ss.fff} phone {m.Type}: {m.Text}");
        phone.PageError += (_, e) => { console.Enqueue($"phone uncaught: {e}"); thrown.Enqueue(e); };
        county.PageError += (_, e) => console.Enqueue($"county uncaught: {e}");
        try
        {
            await body(phone, phoneContext, county);
            Assert.True(thrown.IsEmpty, "The phone page threw:\n" + string.Join("\n", thrown));
        }
        catch
        {
            var folder = ScreenSilo.Artifacts("e2e");
            await phone.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{test}.phone.png") });
            await county.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{test}.county.png") });
            await File.WriteAllLinesAsync(Path.Combine(folder, $"{test}.console.txt"), console);
            throw;
        }
    }
}
