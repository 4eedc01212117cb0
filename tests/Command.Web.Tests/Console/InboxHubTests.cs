using System.Net.Http.Json;
using System.Text.Json;
using Command.Grains.Cases;
using Command.Grains.Live;
using Command.Grains.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests.Console;

/// <summary>The inbox hub over a real silo: who gets which case in which box, pushed as the case moves, and who gets nothing.</summary>
public sealed class InboxHubTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_case_moves_from_the_county_to_a_township_and_on_to_a_grid_worker_box_by_box()
    {
        await using var county = await WatchingAsync("duty");
        await using var town = await WatchingAsync("town-" + DemoSilo.Chengguan);
        var code = await CreateCaseAsync(DemoSilo.Chengguan, "17");

        // No rule for 民生服务: it waits at the county center, which registered it.
        Assert.Equal("dispatch", (await county.NextItemAsync(code, i => i.TryGetProperty("box", out _), Within)).GetProperty("box").GetString());

        await ActAsync("duty", code, "dispatch", new { to = "center-" + DemoSilo.Chengguan });
        var sign = await town.NextItemAsync(code, i => i.GetProperty("box").GetString() == "sign", Within);
        Assert.Equal("待签收", sign.GetProperty("boxName").GetString());
        Assert.True(sign.GetProperty("signBy").GetInt64() > 0);
        await county.NextItemAsync(code, i => i.GetProperty("box").ValueKind == JsonValueKind.Null, Within);

        await ActAsync("town-" + DemoSilo.Chengguan, code, "sign", new { });
        var handle = await town.NextItemAsync(code, i => i.GetProperty("box").GetString() == "handle", Within);
        Assert.True(handle.GetProperty("handleBy").GetInt64() > sign.GetProperty("signBy").GetInt64() - TimeSpan.FromDays(30).TotalMilliseconds);

        var (workerId, grid) = await WorkerOfAsync(code);
        await using var worker = await WatchingAsync("worker-" + grid);
        await ActAsync("town-" + DemoSilo.Chengguan, code, "dispatch", new { to = $"worker-{workerId}" });
        await worker.NextItemAsync(code, i => i.GetProperty("box").GetString() == "sign", Within);
        var left = await town.NextItemAsync(code, i => i.GetProperty("box").ValueKind == JsonValueKind.Null, Within);
        Assert.True(left.GetProperty("v").GetInt64() > handle.GetProperty("v").GetInt64());

        // A console that connects now finds it in the worker's inbox, read from the database.
        await using var phone = await InboxConnection.ConnectAsync(silo.Factory, await silo.TokenOf("worker-" + grid));
        var snapshot = (await phone.WatchAsync()).GetProperty("snapshot");
        Assert.Equal($"worker-{workerId}", snapshot.GetProperty("unit").GetString());
        Assert.Contains(snapshot.GetProperty("items").EnumerateArray(), i => i.GetProperty("code").GetString() == code && i.GetProperty("box").GetString() == "sign");
    }

    [Fact]
    public async Task A_resolved_case_waits_for_its_dispatcher_to_verify_then_to_revisit()
    {
        var code = await CreateCaseAsync(DemoSilo.Chengguan, "17");
        await ActAsync("duty", code, "dispatch", new { to = "center-" + DemoSilo.Chengguan });
        await ActAsync("town-" + DemoSilo.Chengguan, code, "sign", new { });
        await using var county = await WatchingAsync("duty");
        await ActAsync("town-" + DemoSilo.Chengguan, code, "resolve", new { result = "resolved", note = "已调解" });
        await county.NextItemAsync(code, i => i.GetProperty("box").GetString() == "verify", Within);
        await ActAsync("duty", code, "verify", new { pass = true });
        await county.NextItemAsync(code, i => i.GetProperty("box").GetString() == "revisit", Within);

        var snapshot = await SnapshotOf("duty");
        Assert.Contains(snapshot, i => i.GetProperty("code").GetString() == code && i.GetProperty("box").GetString() == "revisit");
        Assert.DoesNotContain(await SnapshotOf("town-" + DemoSilo.Chengguan), i => i.GetProperty("code").GetString() == code);
    }

    [Fact]
    public async Task A_supervised_case_is_marked_for_its_handler_and_followed_by_the_county()
    {
        var code = await CreateCaseAsync(DemoSilo.Chengguan, "17");
        await ActAsync("duty", code, "dispatch", new { to = "center-" + DemoSilo.Chengguan });
        await using var town = await WatchingAsync("town-" + DemoSilo.Chengguan);
        await ActAsync("leader", code, "supervise", new { level = "yellow", note = "限期签收" });
        var marked = await town.NextItemAsync(code, i => i.GetProperty("supervision").GetString() == "yellow", Within);
        Assert.Equal("sign", marked.GetProperty("box").GetString());
        Assert.Contains(await SnapshotOf("duty"), i => i.GetProperty("code").GetString() == code && i.GetProperty("box").GetString() == "supervise");
    }

    [Fact]
    public async Task A_department_sees_only_its_own_cases_and_a_township_none_of_another_township()
    {
        var police = "dept-police-" + DemoSilo.Chengguan;
        var code = await CreateCaseAsync(DemoSilo.Chengguan, "17");
        await ActAsync("duty", code, "dispatch", new { to = $"dept-{DemoSilo.Chengguan}-police" });
        var other = await CreateCaseAsync(DemoSilo.Shengle, "17");
        await ActAsync("duty", other, "dispatch", new { to = "center-" + DemoSilo.Shengle });

        var mine = await SnapshotOf(police);
        Assert.Contains(mine, i => i.GetProperty("code").GetString() == code);
        Assert.All(mine, i => Assert.Equal("sign", i.GetProperty("box").GetString()));
        Assert.DoesNotContain(mine, i => i.GetProperty("code").GetString() == other);
        Assert.DoesNotContain(await SnapshotOf("town-" + DemoSilo.Chengguan), i => i.GetProperty("code").GetString() == other);
        Assert.Contains(await SnapshotOf("town-" + DemoSilo.Shengle), i => i.GetProperty("code").GetString() == other);
    }

    [Fact]
    public async Task A_card_relayed_from_another_silo_reaches_this_silos_consoles_and_tells_the_unit_it_left()
    {
        await using var town = await WatchingAsync("town-" + DemoSilo.Chengguan);
        var board = silo.Factory.Services.GetRequiredService<ILocalLiveBoard>();
        const string code = "150123-20261102-8001";
        var card = new CaseCard(code, "他处受理的案件", "17", "民生服务", Urgency.Medium, "中", CaseStatus.Dispatched, "待签收", RiskColor.Green, Supervision.None,
            false, null, null, DemoSilo.Chengguan, "城关镇综治中心", null, null, 0, true, 3, Inbox: [new InboxEntry("center-" + DemoSilo.Chengguan, InboxBox.Sign)]);

        // What ClusterFeed does with a peer's batch: this silo's board, and through it the inboxes.
        board.CaseChanged(card);
        await town.NextItemAsync(code, i => i.GetProperty("box").GetString() == "sign", Within);
        board.CaseChanged(card with { V = 2, Inbox = [new InboxEntry("center-150123", InboxBox.Dispatch)] });
        board.CaseChanged(card with { V = 4, Status = CaseStatus.Accepted, Inbox = [new InboxEntry("center-150123", InboxBox.Dispatch)], Left = ["center-" + DemoSilo.Chengguan] });
        var left = await town.NextItemAsync(code, i => i.GetProperty("box").ValueKind == JsonValueKind.Null, Within);
        Assert.Equal(4, left.GetProperty("v").GetInt64());
    }

    [Fact]
    public async Task The_admin_has_no_inbox()
    {
        await using var admin = await InboxConnection.ConnectAsync(silo.Factory, await silo.TokenOf("admin"));
        var answer = await admin.WatchAsync();
        Assert.False(answer.GetProperty("ok").GetBoolean());
        Assert.Equal("forbidden", answer.GetProperty("error").GetProperty("code").GetString());
    }

    private async Task<InboxConnection> WatchingAsync(string user)
    {
        var inbox = await InboxConnection.ConnectAsync(silo.Factory, await silo.TokenOf(user));
        Assert.True((await inbox.WatchAsync()).GetProperty("ok").GetBoolean());
        return inbox;
    }

    private async Task<List<JsonElement>> SnapshotOf(string user)
    {
        await using var inbox = await InboxConnection.ConnectAsync(silo.Factory, await silo.TokenOf(user));
        return [.. (await inbox.WatchAsync()).GetProperty("snapshot").GetProperty("items").EnumerateArray()];
    }

    private async Task<string> CreateCaseAsync(string township, string category)
    {
        using var duty = await silo.As("duty");
        var directory = silo.Factory.Services.GetRequiredService<RegionDirectory>();
        var grid = directory.WorkersWithin(township).First(w => w.FullTime).GridCode;
        var (lat, lon) = directory.PointInside(grid)!.Value;
        var created = await DemoSilo.Json(await duty.PostAsJsonAsync("/api/cases",
            new { channel = "walk_in", category, urgency = "medium", title = "路灯损坏", description = "小区路灯不亮", lat, lon, reporterName = "王丽", reporterPhone = "13800000001" }));
        return created.GetProperty("code").GetString()!;
    }

    private async Task<(long Id, string Grid)> WorkerOfAsync(string code)
    {
        using var duty = await silo.As("duty");
        var view = await DemoSilo.Json(await duty.GetAsync($"/api/cases/{code}"));
        var grid = view.GetProperty("location").GetProperty("gridCode").GetString()!;
        var worker = silo.Factory.Services.GetRequiredService<RegionDirectory>().WorkersOfGrid(grid).First(w => w.FullTime);
        return (worker.Id, grid);
    }

    private async Task ActAsync(string user, string code, string action, object body)
    {
        using var client = await silo.As(user);
        await DemoSilo.Json(await client.PostAsJsonAsync($"/api/cases/{code}/{action}", body));
    }
}
