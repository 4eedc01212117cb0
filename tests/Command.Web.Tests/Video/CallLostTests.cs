using System.Text.Json;
using Command.Web.Video;

namespace Command.Web.Tests.Video;

/// <summary>The shortest grace a side may be away from a call.</summary>
public sealed class QuickAwaySilo() : DemoSilo(new() { ["Calls:AwayFor"] = "00:00:10" });

/// <summary>A call whose other side went quiet, as the side still talking hears it.</summary>
public sealed class CallLostTests(QuickAwaySilo silo) : IClassFixture<QuickAwaySilo>
{
    [Fact]
    public async Task The_side_still_talking_is_told_at_once_that_the_call_ended_when_the_other_side_stays_away_past_the_grace()
    {
        using var admin = await silo.As("admin");
        var page = await DemoSilo.Json(await admin.GetAsync($"/api/workers?region={DemoSilo.Chengguan}&pageSize=40"));
        var item = page.GetProperty("items").EnumerateArray().First(w => w.GetProperty("kind").GetString() == "专职网格员");
        await using var leader = await ConnectAsync("leader");
        var worker = await ConnectAsync("worker-" + item.GetProperty("gridCode").GetString());
        var placed = await leader.InvokeAsync("Call", new CallRequest($"worker-{item.GetProperty("id").GetInt64()}"));
        var id = placed.GetProperty("call").GetProperty("id").GetString()!;
        await worker.NextAsync("Ring");
        Assert.True((await worker.InvokeAsync("Accept", id)).GetProperty("ok").GetBoolean());
        await leader.NextAsync("Accepted");

        // The phone is gone for good (its connection ends and no new one resumes); the wall keeps beating and listens.
        await worker.DisposeAsync();
        JsonElement[]? ended = null;
        for (var i = 0; i < 40 && ended is null; i++)
        {
            var beat = await leader.InvokeAsync("Beat", id);
            Assert.True(beat.GetProperty("ok").GetBoolean());
            ended = await leader.TryNextAsync("Ended", TimeSpan.FromSeconds(2));
        }

        Assert.NotNull(ended);
        Assert.Equal("ended", ended[0].GetProperty("status").GetString());
        Assert.Equal("被叫网络中断", ended[0].GetProperty("endReasonName").GetString());
    }

    [Fact]
    public async Task A_call_answered_while_the_caller_reconnects_is_connected_on_the_callers_new_connection_and_the_callee_is_told_to_offer_again()
    {
        using var admin = await silo.As("admin");
        var page = await DemoSilo.Json(await admin.GetAsync($"/api/workers?region={DemoSilo.Chengguan}&pageSize=40"));
        var item = page.GetProperty("items").EnumerateArray().Last(w => w.GetProperty("kind").GetString() == "专职网格员");
        var leader = await ConnectAsync("leader");
        await using var worker = await ConnectAsync("worker-" + item.GetProperty("gridCode").GetString());
        var placed = await leader.InvokeAsync("Call", new CallRequest($"worker-{item.GetProperty("id").GetInt64()}"));
        var id = placed.GetProperty("call").GetProperty("id").GetString()!;
        await worker.NextAsync("Ring");

        // The wall's network switches while it rings; the phone answers meanwhile.
        await leader.DisposeAsync();
        Assert.True((await worker.InvokeAsync("Accept", id)).GetProperty("ok").GetBoolean());

        // The wall is back on a new connection: Resume says the call is connected (the page then makes its offer), the
        // phone is told the wall is back, and the wall's offer reaches the phone.
        await using var back = await ConnectAsync("leader");
        var resumed = await back.InvokeAsync("Resume", id);
        Assert.True(resumed.GetProperty("ok").GetBoolean(), resumed.ToString());
        Assert.Equal("connected", resumed.GetProperty("call").GetProperty("status").GetString());
        Assert.Equal(id, (await worker.NextAsync("PeerBack"))[0].GetString());
        Assert.True((await back.InvokeAsync("Signal", id, new SignalMessage("offer", "v=0 offer"))).GetProperty("ok").GetBoolean());
        Assert.Equal("v=0 offer", (await worker.NextAsync("Signal"))[1].GetProperty("data").GetString());
        Assert.True((await back.InvokeAsync("HangUp", id)).GetProperty("ok").GetBoolean());
        Assert.Equal("ended", (await worker.NextAsync("Ended"))[0].GetProperty("status").GetString());
    }

    private async Task<VideoConnection> ConnectAsync(string userName)
    {
        var connection = await VideoConnection.ConnectAsync(silo, await silo.TokenOf(userName));
        Assert.True((await connection.InvokeAsync("Watch")).GetProperty("ok").GetBoolean());
        return connection;
    }
}
