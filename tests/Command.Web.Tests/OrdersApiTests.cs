using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Data;
using Command.Grains.Orders;
using Command.Web.Tests.Console;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>调度指令 over HTTP and the inbox hub: pushed to each receiver at once, signed and reported back live on the issuer's side.</summary>
public sealed class OrdersApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_order_reaches_each_receiver_at_once_and_the_issuer_watches_signing_and_report_back_with_a_photo()
    {
        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        var workerUser = $"worker-{worker.GridCode}";
        using var duty = await silo.As("duty");
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        using var phone = await silo.As(workerUser);
        await using var screen = await InboxConnection.ConnectAsync(silo.Factory, await silo.TokenOf("duty"));
        await using var townConsole = await InboxConnection.ConnectAsync(silo.Factory, await silo.TokenOf($"town-{DemoSilo.Chengguan}"));
        await using var workerPhone = await InboxConnection.ConnectAsync(silo.Factory, await silo.TokenOf(workerUser));
        foreach (var connection in new[] { screen, townConsole, workerPhone })
        {
            await connection.WatchAsync();
        }

        var workerKey = $"worker-{worker.Id}";
        var townKey = $"center-{DemoSilo.Chengguan}";
        var issued = await DemoSilo.Json(await duty.PostAsJsonAsync("/api/orders", new { targets = new[] { townKey, workerKey }, text = "立即前往现场核查" }));
        var id = issued.GetProperty("id").GetString()!;
        Assert.Equal(22, id.Length);

        // Each receiver gets it with its own line only.
        var atTown = await townConsole.NextOrderAsync(id, _ => true, Within);
        Assert.Equal([townKey], atTown.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("key").GetString()));
        Assert.Equal("立即前往现场核查", atTown.GetProperty("text").GetString());
        var atPhone = await workerPhone.NextOrderAsync(id, _ => true, Within);
        Assert.Equal("pending", atPhone.GetProperty("targets")[0].GetProperty("status").GetString());

        // Nothing of the other receiver: not in the counts, and the 下达 step's note is the order's text, not its receivers.
        Assert.Equal((1, 1), (atTown.GetProperty("total").GetInt32(), atPhone.GetProperty("total").GetInt32()));
        foreach (var client in new[] { town, phone })
        {
            var seen = await DemoSilo.Json(await client.GetAsync($"/api/orders/{id}"));
            Assert.Equal(1, seen.GetProperty("total").GetInt32());
            var issue = seen.GetProperty("history").EnumerateArray().Single(e => e.GetProperty("actionName").GetString() == "下达");
            Assert.Equal("立即前往现场核查", issue.GetProperty("note").GetString());
        }

        await DemoSilo.Json(await town.PostAsync($"/api/orders/{id}/sign", null));
        var signed = await screen.NextOrderAsync(id, o => o.GetProperty("signed").GetInt32() == 1, Within);
        Assert.Equal("已签收", signed.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("key").GetString() == townKey).GetProperty("statusName").GetString());

        await DemoSilo.Json(await phone.PostAsync($"/api/orders/{id}/sign", null));
        var photo = (await DemoSilo.Json(await UploadAsync(phone, id))).GetProperty("id").GetString()!;
        await DemoSilo.Json(await phone.PostAsJsonAsync($"/api/orders/{id}/feedback", new { text = "已到场，情况平稳", photos = new[] { photo } }));
        var reported = await screen.NextOrderAsync(id, o => o.GetProperty("reported").GetInt32() == 1, Within);
        var line = reported.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("key").GetString() == workerKey);
        Assert.Equal(("已到场，情况平稳", photo), (line.GetProperty("feedbackText").GetString(), line.GetProperty("photos")[0].GetString()));

        // The photo is the order's: its issuer sees it, another township does not.
        Assert.Equal(HttpStatusCode.OK, (await duty.GetAsync($"/api/attachments/{photo}")).StatusCode);
        using var stranger = await silo.As($"town-{DemoSilo.Shengle}");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/attachments/{photo}")).StatusCode);

        // Every step in the history, with who.
        var full = await DemoSilo.Json(await duty.GetAsync($"/api/orders/{id}"));
        Assert.Equal(
            ["duty", $"town-{DemoSilo.Chengguan}", workerUser, workerUser],
            full.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("actor").GetString()));
        var received = await DemoSilo.Json(await phone.GetAsync("/api/orders?box=received"));
        Assert.Contains(received.EnumerateArray(), o => o.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Refusals_are_chinese_problems_that_change_nothing_and_another_townships_order_looks_missing()
    {
        using var village = await silo.As($"village-{(await silo.WorkerIn(DemoSilo.Chengguan)).GridCode[..12]}");
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        using var stranger = await silo.As($"town-{DemoSilo.Shengle}");
        var shengleVillage = $"village-{(await silo.WorkerIn(DemoSilo.Shengle)).GridCode[..12]}";
        var ownVillage = $"village-{(await silo.WorkerIn(DemoSilo.Chengguan)).GridCode[..12]}";

        var before = await CountAsync();
        var role = await village.PostAsJsonAsync("/api/orders", new { targets = new[] { ownVillage }, text = "x" });
        await AssertProblem(role, HttpStatusCode.Forbidden, "只有领导、值班员和乡镇综治中心可以下达调度指令");

        var outOfReach = await town.PostAsJsonAsync("/api/orders", new { targets = new[] { shengleVillage }, text = "排查" });
        var unknown = await town.PostAsJsonAsync("/api/orders", new { targets = new[] { "village-150123999999" }, text = "排查" });
        await AssertProblem(outOfReach, HttpStatusCode.BadRequest, "第 1 个接收对象不存在或不能向其下达指令");
        await AssertProblem(unknown, HttpStatusCode.BadRequest, "第 1 个接收对象不存在或不能向其下达指令");

        await AssertProblem(await town.PostAsJsonAsync("/api/orders", new { targets = new[] { ownVillage }, text = " " }), HttpStatusCode.BadRequest, "请填写指令内容");
        await AssertProblem(
            await town.PostAsJsonAsync("/api/orders", new { targets = new[] { ownVillage }, text = "排查", signBy = DateTimeOffset.UtcNow.AddMinutes(-1) }),
            HttpStatusCode.BadRequest, "签收时限(signBy)须晚于现在");
        Assert.Equal(before, await CountAsync());

        var id = (await DemoSilo.Json(await town.PostAsJsonAsync("/api/orders", new { targets = new[] { ownVillage }, text = "排查隐患" }))).GetProperty("id").GetString()!;
        var hidden = await stranger.GetAsync($"/api/orders/{id}");
        var missing = await stranger.GetAsync($"/api/orders/{new string('A', 22)}");
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (hidden.StatusCode, missing.StatusCode));
        Assert.Equal(
            Refusals.Text(await missing.Content.ReadAsStringAsync()).Replace(new string('A', 22), "", StringComparison.Ordinal),
            Refusals.Text(await hidden.Content.ReadAsStringAsync()).Replace(id, "", StringComparison.Ordinal));
        await AssertProblem(await stranger.PostAsync($"/api/orders/{id}/sign", null), HttpStatusCode.NotFound, "没有调度指令");
        await AssertProblem(await village.PostAsJsonAsync($"/api/orders/{id}/feedback", new { text = "完成" }), HttpStatusCode.Conflict, "请先签收");
        using var admin = await silo.As("admin");
        await AssertProblem(await admin.GetAsync("/api/orders"), HttpStatusCode.Forbidden, "管理员没有调度指令");
    }

    [Fact]
    public async Task An_order_carries_the_issuers_attachments_and_place_and_only_those_who_see_it_open_them()
    {
        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        var workerUser = $"worker-{worker.GridCode}";
        using var duty = await silo.As("duty");
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        using var phone = await silo.As(workerUser);
        using var village = await silo.As($"village-{worker.GridCode[..12]}");
        using var stranger = await silo.As($"town-{DemoSilo.Shengle}");

        // Only issuers upload; a draft is nobody's to read until an order takes it.
        await AssertProblem(await UploadToAsync(village, "/api/orders/attachments"), HttpStatusCode.Forbidden, "只有领导、值班员和乡镇综治中心");
        var uploaded = await DemoSilo.Json(await UploadToAsync(duty, "/api/orders/attachments"));
        var file = uploaded.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await duty.GetAsync($"/api/attachments/{file}")).StatusCode);

        // Another issuer cannot take it.
        var before = await CountAsync();
        await AssertProblem(
            await town.PostAsJsonAsync("/api/orders", new { targets = new[] { $"worker-{worker.Id}" }, text = "排查", attachments = new[] { file } }),
            HttpStatusCode.BadRequest, $"附件 {file} 不存在");
        Assert.Equal(before, await CountAsync());

        var issued = await DemoSilo.Json(await duty.PostAsJsonAsync("/api/orders", new
        {
            targets = new[] { $"worker-{worker.Id}" }, text = "按附件位置核查", attachments = new[] { file }, lat = 40.3912, lon = 111.8265,
        }));
        var id = issued.GetProperty("id").GetString()!;
        var seen = await DemoSilo.Json(await phone.GetAsync($"/api/orders/{id}"));
        var attachment = seen.GetProperty("attachments").EnumerateArray().Single();
        Assert.Equal(("现场.png", $"/api/attachments/{file}"), (attachment.GetProperty("name").GetString(), attachment.GetProperty("url").GetString()));
        Assert.Equal((40.3912, 111.8265), (seen.GetProperty("lat").GetDouble(), seen.GetProperty("lon").GetDouble()));

        // The receiver and the issuer open it; the township's other desks and another township get what a missing file gets.
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync($"/api/attachments/{file}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await duty.GetAsync($"/api/attachments/{file}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await village.GetAsync($"/api/attachments/{file}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/attachments/{file}")).StatusCode);

        // Taken once: a second order cannot name it.
        await AssertProblem(
            await duty.PostAsJsonAsync("/api/orders", new { targets = new[] { $"worker-{worker.Id}" }, text = "再次核查", attachments = new[] { file } }),
            HttpStatusCode.BadRequest, "不存在");
    }

    [Fact]
    public async Task An_issuer_holds_at_most_twenty_files_not_yet_taken_by_an_order_and_the_next_is_refused_in_chinese()
    {
        var user = $"town-{DemoSilo.Shengle}";
        using var town = await silo.As(user);
        var owner = OrderAttachments.DraftOwner(user);
        for (var held = await DraftsAsync(owner); held < 20; held++)
        {
            Assert.Equal(HttpStatusCode.Created, (await UploadToAsync(town, "/api/orders/attachments")).StatusCode);
        }

        await AssertProblem(await UploadToAsync(town, "/api/orders/attachments"), HttpStatusCode.BadRequest, "待下达指令的附件过多：最多 20 个");
        Assert.Equal(20, await DraftsAsync(owner));
    }

    private async Task<int> DraftsAsync(string owner)
    {
        var count = 0;
        await silo.Factory.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement("SELECT count(*) FROM attachments WHERE case_code = $1", owner), r => count = Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        return count;
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string id) => UploadToAsync(client, $"/api/orders/{id}/photos");

    private static async Task<HttpResponseMessage> UploadToAsync(HttpClient client, string url, string name = "现场.png")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(AttachmentsApiTests.Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", name);
        return await client.PostAsync(url, form);
    }

    private async Task<string> CountAsync()
    {
        var database = silo.Factory.Services.GetRequiredService<Database>();
        var parts = new List<string>();
        foreach (var sql in new[] { "SELECT count(*) FROM orders", "SELECT count(*) FROM order_events", "SELECT count(*) FROM audit_log" })
        {
            await database.QueryAsync(new SqlStatement(sql), r => parts.Add(Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!));
        }

        return string.Join("/", parts);
    }
}
