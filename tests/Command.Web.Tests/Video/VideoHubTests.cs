using System.Text.Json;
using Command.Web.Video;

namespace Command.Web.Tests.Video;

/// <summary>The call signalling hub over a real silo: who may ring whom, and that a call's signalling reaches its other talker only.</summary>
public sealed class VideoHubTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Signalling_reaches_the_other_talker_only_and_anyone_else_is_told_there_is_no_such_call()
    {
        var (workerId, grid) = await FullTimeWorkerAsync(DemoSilo.Chengguan);
        await using var leader = await ConnectAsync("leader");
        await using var worker = await ConnectAsync("worker-" + grid);
        await using var town = await ConnectAsync("town-" + DemoSilo.Chengguan);

        var caseCode = await OpenCaseAsync("leader", grid);
        var placed = await leader.InvokeAsync("Call", new CallRequest($"worker-{workerId}", caseCode));
        Assert.True(placed.GetProperty("ok").GetBoolean(), placed.ToString());
        var id = placed.GetProperty("call").GetProperty("id").GetString()!;
        var ring = await worker.NextAsync("Ring");
        Assert.Equal(id, ring[0].GetProperty("id").GetString());
        Assert.Equal(caseCode, ring[0].GetProperty("caseCode").GetString());

        // The township may see the worker, but the call is not theirs: every step answers as for no call at all.
        foreach (var refused in new[]
        {
            await town.InvokeAsync("Accept", id),
            await town.InvokeAsync("HangUp", id),
            await town.InvokeAsync("Signal", id, new SignalMessage("offer", "v=0")),
            await worker.InvokeAsync("Signal", id, new SignalMessage("offer", "v=0")),   // not connected yet
            await town.InvokeAsync("Accept", "0123456789abcdef0123456789abcdef"),
        })
        {
            Assert.False(refused.GetProperty("ok").GetBoolean());
            Assert.Equal("not_found", refused.GetProperty("error").GetProperty("code").GetString());
            Assert.Equal("通话不存在或已结束", refused.GetProperty("error").GetProperty("message").GetString());
        }

        Assert.True((await worker.InvokeAsync("Accept", id)).GetProperty("ok").GetBoolean());
        Assert.Equal(id, (await leader.NextAsync("Accepted"))[0].GetProperty("id").GetString());
        Assert.True((await leader.InvokeAsync("Signal", id, new SignalMessage("offer", "v=0 offer"))).GetProperty("ok").GetBoolean());
        var offer = await worker.NextAsync("Signal");
        Assert.Equal(id, offer[0].GetString());
        Assert.Equal("v=0 offer", offer[1].GetProperty("data").GetString());
        Assert.True((await worker.InvokeAsync("Signal", id, new SignalMessage("answer", "v=0 answer"))).GetProperty("ok").GetBoolean());
        Assert.Equal("v=0 answer", (await leader.NextAsync("Signal"))[1].GetProperty("data").GetString());
        Assert.Equal("not_found", (await town.InvokeAsync("Signal", id, new SignalMessage("candidate", "{}"))).GetProperty("error").GetProperty("code").GetString());

        // The township got nothing of that call: the first message it gets is the ring of a call to it, made afterwards.
        var second = await leader.InvokeAsync("Call", new CallRequest("center-" + DemoSilo.Chengguan));
        var first = await town.NextAnyAsync();
        Assert.Equal("Ring", first.Method);
        Assert.Equal(second.GetProperty("call").GetProperty("id").GetString(), first.Arguments[0].GetProperty("id").GetString());

        var ended = await worker.InvokeAsync("HangUp", id);
        Assert.Equal("ended", ended.GetProperty("call").GetProperty("status").GetString());
        Assert.Equal("ended", (await leader.NextAsync("Ended"))[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_township_reaching_outside_its_township_and_a_grid_worker_calling_are_refused_and_nothing_rings()
    {
        var (inShengle, shengleGrid) = await FullTimeWorkerAsync(DemoSilo.Shengle);
        await using var town = await ConnectAsync("town-" + DemoSilo.Chengguan);
        await using var target = await ConnectAsync("worker-" + shengleGrid);

        // Another township's worker answers exactly like a worker that does not exist.
        var outside = await town.InvokeAsync("Call", new CallRequest($"worker-{inShengle}"));
        var missing = await town.InvokeAsync("Call", new CallRequest("worker-987654321"));
        Assert.Equal("not_found", outside.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(missing.GetProperty("error").ToString(), outside.GetProperty("error").ToString());
        var center = await town.InvokeAsync("Call", new CallRequest("center-" + DemoSilo.County));
        Assert.Equal(missing.GetProperty("error").ToString(), center.GetProperty("error").ToString());

        // A call about another township's case (or one that does not exist) is refused alike, and nothing rings.
        var (own, _) = await FullTimeWorkerAsync(DemoSilo.Chengguan);
        var theirCase = await OpenCaseAsync("duty", shengleGrid);
        var aboutTheirs = await town.InvokeAsync("Call", new CallRequest($"worker-{own}", theirCase));
        var aboutNone = await town.InvokeAsync("Call", new CallRequest($"worker-{own}", "150123-20260101-9999"));
        Assert.Equal("not_found", aboutTheirs.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(aboutNone.GetProperty("error").ToString(), aboutTheirs.GetProperty("error").ToString());

        // A grid worker starts no calls.
        var byWorker = await target.InvokeAsync("Call", new CallRequest("center-" + DemoSilo.Shengle));
        Assert.Equal("forbidden", byWorker.GetProperty("error").GetProperty("code").GetString());

        // Nothing rang at the worker: the first ring it gets is the county's, made afterwards.
        await using var duty = await ConnectAsync("duty");
        var placed = await duty.InvokeAsync("Call", new CallRequest($"worker-{inShengle}"));
        var first = await target.NextAnyAsync();
        Assert.Equal("Ring", first.Method);
        Assert.Equal(placed.GetProperty("call").GetProperty("id").GetString(), first.Arguments[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_phone_back_on_a_new_connection_resumes_its_side_and_the_signalling_follows_it_while_nobody_else_can()
    {
        var (workerId, grid) = await FullTimeWorkerAsync(DemoSilo.Chengguan);
        await using var leader = await ConnectAsync("leader");
        await using var town = await ConnectAsync("town-" + DemoSilo.Chengguan);
        var worker = await ConnectAsync("worker-" + grid);
        var placed = await leader.InvokeAsync("Call", new CallRequest($"worker-{workerId}"));
        var id = placed.GetProperty("call").GetProperty("id").GetString()!;
        await worker.NextAsync("Ring");
        Assert.True((await worker.InvokeAsync("Accept", id)).GetProperty("ok").GetBoolean());
        await leader.NextAsync("Accepted");
        Assert.Equal("connected", (await leader.InvokeAsync("Beat", id)).GetProperty("call").GetProperty("status").GetString());

        // The phone's network switched: a new connection of the same worker takes the call up again (Resume); the wall's
        // offer (an ICE restart) reaches it there, and its beats count.
        await using var back = await ConnectAsync("worker-" + grid);
        var resumed = await back.InvokeAsync("Resume", id);
        Assert.Equal("connected", resumed.GetProperty("call").GetProperty("status").GetString());
        Assert.True((await leader.InvokeAsync("Signal", id, new SignalMessage("offer", "v=0 restart"))).GetProperty("ok").GetBoolean());
        Assert.Equal("v=0 restart", (await back.NextAsync("Signal"))[1].GetProperty("data").GetString());
        Assert.Equal("connected", (await back.InvokeAsync("Beat", id)).GetProperty("call").GetProperty("status").GetString());

        // Nobody else takes a side up or beats for it; the old connection closing (late) changes nothing.
        Assert.Equal("not_found", (await town.InvokeAsync("Resume", id)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("not_found", (await town.InvokeAsync("Beat", id)).GetProperty("error").GetProperty("code").GetString());
        await worker.DisposeAsync();
        Assert.Equal("connected", (await leader.InvokeAsync("Beat", id)).GetProperty("call").GetProperty("status").GetString());

        // Its new connection ending too leaves the call up (the side is away, for Calls:AwayFor); a hang-up ends it.
        await back.DisposeAsync();
        Assert.Equal("connected", (await leader.InvokeAsync("Beat", id)).GetProperty("call").GetProperty("status").GetString());
        Assert.Equal("ended", (await leader.InvokeAsync("HangUp", id)).GetProperty("call").GetProperty("status").GetString());
        var ended = new[] { (await leader.InvokeAsync("Beat", id)).GetProperty("call") };
        Assert.Equal("ended", ended[0].GetProperty("status").GetString());
    }

    /// <summary>A case opened in <paramref name="grid"/> (by its place) by <paramref name="userName"/>; its code.</summary>
    private async Task<string> OpenCaseAsync(string userName, string grid)
    {
        using var client = await silo.As(userName);
        var body = new StringContent(
            $$"""{"channel":"walk_in","category":"02","urgency":"low","title":"视频核实","description":"通话关联案件","regionCode":"{{grid}}"}""",
            System.Text.Encoding.UTF8, "application/json");
        var created = await DemoSilo.Json(await client.PostAsync("/api/cases", body));
        return created.GetProperty("code").GetString()!;
    }

    private async Task<(long Id, string Grid)> FullTimeWorkerAsync(string township)
    {
        using var admin = await silo.As("admin");
        var page = await DemoSilo.Json(await admin.GetAsync($"/api/workers?region={township}&pageSize=40"));
        var item = page.GetProperty("items").EnumerateArray().First(w => w.GetProperty("kind").GetString() == "专职网格员");
        return (item.GetProperty("id").GetInt64(), item.GetProperty("gridCode").GetString()!);
    }

    private async Task<VideoConnection> ConnectAsync(string userName)
    {
        var connection = await VideoConnection.ConnectAsync(silo, await silo.TokenOf(userName));
        Assert.True((await connection.InvokeAsync("Watch")).GetProperty("ok").GetBoolean());
        return connection;
    }
}
