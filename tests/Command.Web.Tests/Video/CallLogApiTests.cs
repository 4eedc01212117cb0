using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Grains.Calls;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace Command.Web.Tests.Video;

/// <summary>
/// 通话记录: the calls about a case or an order (who, when, how long), newest first, read by the same rules as the case or
/// the order: one out of sight answers exactly as one that does not exist, and a line about someone out of sight is left out.
/// </summary>
public sealed class CallLogApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task A_case_lists_its_calls_newest_first_with_caller_callee_and_how_each_ended_for_those_who_may_see_the_case()
    {
        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        var far = await silo.WorkerIn(DemoSilo.Shengle);
        var code = await OpenCaseAsync(worker.GridCode);
        var center = $"center-{DemoSilo.Chengguan}";

        // Talked (answered, then hung up), declined by the township center, and a call to another township's worker that
        // the leader gave up on while it rang.
        var talked = await CallAsync(new CallRing("leader", "县领导", "wall-1", $"worker-{worker.Id}", "张三（网格员）", worker.GridCode, code, null));
        Assert.True((await Grain(talked).AcceptAsync($"worker-{worker.GridCode}", $"worker-{worker.Id}", "phone-1")).Ok);
        Assert.True((await Grain(talked).HangUpAsync("leader")).Ok);
        var declined = await CallAsync(new CallRing("leader", "县领导", "wall-1", center, "城关镇综治中心", DemoSilo.Chengguan, code, null));
        Assert.True((await Grain(declined).DeclineAsync($"town-{DemoSilo.Chengguan}", center)).Ok);
        var missed = await CallAsync(new CallRing("leader", "县领导", "wall-1", $"worker-{far.Id}", "李四（网格员）", far.GridCode, code, null));
        Assert.True((await Grain(missed).HangUpAsync("leader")).Ok);

        using var leader = await silo.As("leader");
        var log = await DemoSilo.Json(await leader.GetAsync($"/api/cases/{code}/calls"));
        Assert.Equal([missed, declined, talked], log.EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        var first = log[2];
        Assert.Equal(("县领导", "张三（网格员）", "ended", "已结束"), (Text(first, "callerName"), Text(first, "calleeName"), Text(first, "status"), Text(first, "statusName")));
        Assert.EndsWith("秒", Text(first, "result"), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, first.GetProperty("connectedAt").ValueKind);
        Assert.Equal(("已拒接", "未接听"), (Text(log[1], "result"), Text(log[0], "result")));

        // The township sees the case, but not the call to another township's worker.
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        var townLog = await DemoSilo.Json(await town.GetAsync($"/api/cases/{code}/calls"));
        Assert.Equal([declined, talked], townLog.EnumerateArray().Select(l => l.GetProperty("id").GetString()));

        // Another township reads the case's log exactly as that of a case that does not exist.
        using var other = await silo.As($"town-{DemoSilo.Shengle}");
        using var outOfSight = await other.GetAsync($"/api/cases/{code}/calls");
        var noneCode = code[..^4] + "9999";
        using var none = await other.GetAsync($"/api/cases/{noneCode}/calls");
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (outOfSight.StatusCode, none.StatusCode));
        Assert.Equal(
            Refusals.Text(await none.Content.ReadAsStringAsync()).Replace(noneCode, "#", StringComparison.Ordinal),
            Refusals.Text(await outOfSight.Content.ReadAsStringAsync()).Replace(code, "#", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_order_lists_its_calls_for_the_issuer_and_a_receiver_reads_only_the_calls_with_itself()
    {
        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        var center = $"center-{DemoSilo.Chengguan}";
        using var duty = await silo.As("duty");
        var order = (await DemoSilo.Json(await duty.PostAsJsonAsync("/api/orders", new { targets = new[] { center, $"worker-{worker.Id}" }, text = "请视频汇报现场情况" })))
            .GetProperty("id").GetString()!;
        var toWorker = await CallAsync(new CallRing("duty", "县值班员", "wall-1", $"worker-{worker.Id}", "张三（网格员）", worker.GridCode, null, order));
        Assert.True((await Grain(toWorker).HangUpAsync("duty")).Ok);

        var issuerLog = await DemoSilo.Json(await duty.GetAsync($"/api/orders/{order}/calls"));
        Assert.Equal([toWorker], issuerLog.EnumerateArray().Select(l => l.GetProperty("id").GetString()));

        // The other receiver reads its own line of the order, and so none of the calls with the worker.
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        Assert.Equal(0, (await DemoSilo.Json(await town.GetAsync($"/api/orders/{order}/calls"))).GetArrayLength());
        using var phone = await silo.As($"worker-{worker.GridCode}");
        Assert.Equal(1, (await DemoSilo.Json(await phone.GetAsync($"/api/orders/{order}/calls"))).GetArrayLength());

        // The admin has no orders; another township none of this one.
        using var admin = await silo.As("admin");
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync($"/api/orders/{order}/calls")).StatusCode);
        using var other = await silo.As($"town-{DemoSilo.Shengle}");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/orders/{order}/calls")).StatusCode);
    }

    private ICallGrain Grain(string id) => silo.Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<ICallGrain>(id);

    private async Task<string> CallAsync(CallRing ring)
    {
        var id = Guid.NewGuid().ToString("N");
        Assert.True((await Grain(id).RingAsync(ring)).Ok);
        return id;
    }

    private static string Text(JsonElement e, string name) => e.GetProperty(name).GetString()!;

    private async Task<string> OpenCaseAsync(string grid)
    {
        using var leader = await silo.As("leader");
        var body = new StringContent(
            $$"""{"channel":"walk_in","category":"02","urgency":"low","title":"视频核实","description":"通话记录","regionCode":"{{grid}}"}""",
            System.Text.Encoding.UTF8, "application/json");
        return (await DemoSilo.Json(await leader.PostAsync("/api/cases", body))).GetProperty("code").GetString()!;
    }
}
