using Command.Grains.Calls;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Grains.Tests.Calls;

/// <summary>
/// A live call whose side stops showing signs of life ends by the clock (the fake one): a page that stops beating (its
/// silo died), a connection that dropped and never came back, a silo that died with the call's grain. One that drops and
/// resumes within the grace (a Wi-Fi↔4G switch) talks on, on its new connection.
/// </summary>
public sealed class CallLivenessTests
{
    private static readonly TimeSpan AwayFor = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);
    private const string Leader = "leader";
    private const string WorkerUser = "worker-150123100001001";
    private const string Worker = "worker-7";
    private const string Case = "C20261203-0001";

    [Fact]
    public async Task A_connected_call_whose_side_stops_beating_ends_after_the_grace_as_ended_with_the_reason_and_the_other_side_learns_it()
    {
        await using var cluster = await CallStateTests.StartAsync();
        var (id, call) = await ConnectedAsync(cluster);

        // Both beat for a while: the call goes on past the grace.
        for (var i = 0; i < 6; i++)
        {
            cluster.Clock.Advance(Step);
            Assert.Equal(CallStatus.Connected, (await call.BeatAsync(Leader, "wall-1")).Call!.Status);
            Assert.Equal(CallStatus.Connected, (await call.BeatAsync(WorkerUser, "phone-1")).Call!.Status);
        }

        // The phone's silo dies: its beats stop. Only the wall beats on; past the grace the call ends without anyone asking.
        var lastBeat = cluster.Clock.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            cluster.Clock.Advance(Step);
            await call.BeatAsync(Leader, "wall-1");
        }

        var row = await Eventually.Until(() => Store(cluster).FindAsync(id), c => c!.Status == CallStatus.Ended, what: "the quiet call ended");
        Assert.Equal((CallMachine.System, CallEndReasons.CalleeLost), (row!.EndedBy, row.EndReason));

        // Its talk lasted until the phone was last heard of, not until the system noticed.
        Assert.Equal(lastBeat, row.EndedAt);
        Assert.Equal(TimeSpan.FromSeconds(30), row.Duration);

        // The wall is told at once where a feed pushes it, and its next beat says so anyway.
        await Eventually.True(() => Feed(cluster).Lost.Count > 0, what: "the wall told");
        var lost = Assert.Single(Feed(cluster).Lost);
        Assert.Equal((id, "wall-1"), (lost.Call.Id, lost.PeerDevice));
        var told = await call.BeatAsync(Leader, "wall-1");
        Assert.Equal((CallStatus.Ended, CallEndReasons.CalleeLost), (told.Call!.Status, told.Call.EndReason));
    }

    [Fact]
    public async Task A_side_that_drops_and_resumes_on_a_new_connection_within_the_grace_keeps_the_call_and_its_signalling_follows()
    {
        await using var cluster = await CallStateTests.StartAsync();
        var (id, call) = await ConnectedAsync(cluster);

        // The phone switches from Wi-Fi to 4G: its connection drops; the call is still up, but signalling waits for it.
        Assert.True((await call.AwayAsync(WorkerUser, "phone-1")).Ok);
        Assert.Equal(CallRefusal.NotFound, (await call.PeerAsync(Leader, "wall-1")).Refusal);
        cluster.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.True((await call.BeatAsync(Leader, "wall-1")).Ok);

        // Back within the grace on a new connection: the call talks on, with the wall's offers going to the new connection.
        var resumed = await call.ResumeAsync(WorkerUser, "phone-2");
        Assert.Equal((CallStatus.Connected, "wall-1"), (resumed.Call!.Status, resumed.PeerDevice));
        Assert.Equal("phone-2", (await call.PeerAsync(Leader, "wall-1")).PeerDevice);

        // The old connection's drop, noticed late, and a beat from it change nothing.
        await call.AwayAsync(WorkerUser, "phone-1");
        Assert.Equal(CallRefusal.NotFound, (await call.BeatAsync(WorkerUser, "phone-1")).Refusal);
        for (var i = 0; i < 8; i++)
        {
            cluster.Clock.Advance(Step);
            await call.BeatAsync(Leader, "wall-1");
            await call.BeatAsync(WorkerUser, "phone-2");
        }

        Assert.Equal(CallStatus.Connected, (await Store(cluster).FindAsync(id))!.Status);
        Assert.Empty(Feed(cluster).Lost);

        // Nobody else takes a side up.
        Assert.Equal(CallRefusal.NotFound, (await call.ResumeAsync("town-150123100", "desk-1")).Refusal);
        Assert.Equal("phone-2", (await call.PeerAsync(Leader, "wall-1")).PeerDevice);
    }

    [Fact]
    public async Task A_side_whose_connection_dropped_and_never_came_back_ends_the_call_at_the_grace_counted_from_the_drop()
    {
        await using var cluster = await CallStateTests.StartAsync();
        var (id, call) = await ConnectedAsync(cluster);
        for (var i = 0; i < 8; i++)
        {
            cluster.Clock.Advance(Step);
            await call.BeatAsync(Leader, "wall-1");
            await call.BeatAsync(WorkerUser, "phone-1");
        }

        var dropped = cluster.Clock.GetUtcNow();
        await call.AwayAsync(WorkerUser, "phone-1");
        for (var i = 0; i < 5; i++)
        {
            cluster.Clock.Advance(Step);
            await call.BeatAsync(Leader, "wall-1");
        }

        var row = await Eventually.Until(() => Store(cluster).FindAsync(id), c => c!.Status == CallStatus.Ended, what: "the call ended");
        Assert.Equal((dropped, CallEndReasons.CalleeLost), (row!.EndedAt, row.EndReason));

        // Too late to resume: the page hears the call is over.
        var late = await call.ResumeAsync(WorkerUser, "phone-2");
        Assert.Equal(CallStatus.Ended, late.Call!.Status);
    }

    [Fact]
    public async Task A_caller_gone_while_it_rings_makes_it_missed_with_a_notice_for_the_callee()
    {
        await using var cluster = await CallStateTests.StartAsync();
        var id = NewId();
        var call = cluster.GrainFactory.GetGrain<ICallGrain>(id);
        await call.RingAsync(Ring());
        await call.AwayAsync(Leader, "wall-1");
        for (var i = 0; i < 5; i++)
        {
            cluster.Clock.Advance(Step);
            await Task.Delay(50);
        }

        var notice = await Eventually.Until(() => Store(cluster).UnseenMissedAsync(Worker), n => n.Count == 1, what: "a missed-call notice");
        Assert.Equal((id, CallEndReasons.CallerLost), (notice[0].Id, notice[0].EndReason));

        // The row is durable a moment before the grain tells the hub: wait for the telling too.
        await Eventually.True(() => Feed(cluster).Missed.Any(m => m.Call.Id == id), what: "the callee's devices told");
    }

    [Fact]
    public async Task A_silo_that_dies_with_a_connected_call_leaves_no_call_connected_for_ever()
    {
        await using var cluster = await CallStateTests.StartAsync();
        var (id, _) = await ConnectedAsync(cluster);

        // Killed: no deactivation, no hang-up, both pages' connections gone with it. Nobody calls the grain again.
        await cluster.KillAsync();
        await cluster.RestartAsync();

        // The call's reminder wakes the grain on the silo that came back; with no side beating, it ends after the grace.
        var row = await cluster.UntilDueAsync(() => Store(cluster).FindAsync(id), c => c!.Status == CallStatus.Ended, Step, "the orphaned call ended");
        Assert.Equal((CallMachine.System, CallEndReasons.CallerLost), (row!.EndedBy, row.EndReason));
        Assert.Equal(0L, Convert.ToInt64(await cluster.Database.ScalarAsync("SELECT count(*) FROM calls WHERE status = 'connected'"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_call_answered_while_the_caller_reconnects_connects_to_the_callers_new_connection_when_it_resumes()
    {
        await using var cluster = await CallStateTests.StartAsync();
        var id = NewId();
        var call = cluster.GrainFactory.GetGrain<ICallGrain>(id);
        await call.RingAsync(Ring());

        // The wall's network switches while it rings; the phone answers meanwhile: nobody is there to be told.
        await call.AwayAsync(Leader, "wall-1");
        cluster.Clock.Advance(Step);
        var accepted = await call.AcceptAsync(WorkerUser, Worker, "phone-1");
        Assert.Equal((CallStatus.Connected, null), (accepted.Call!.Status, accepted.PeerDevice));

        // Back within the grace: the wall learns the call is connected (it then offers), and its signalling reaches the phone.
        var resumed = await call.ResumeAsync(Leader, "wall-2");
        Assert.Equal((CallStatus.Connected, "phone-1"), (resumed.Call!.Status, resumed.PeerDevice));
        Assert.Equal("phone-1", (await call.PeerAsync(Leader, "wall-2")).PeerDevice);
        Assert.Equal("wall-2", (await call.PeerAsync(WorkerUser, "phone-1")).PeerDevice);
        Assert.Equal(CallStatus.Connected, (await Store(cluster).FindAsync(id))!.Status);
    }

    [Fact]
    public async Task An_accept_after_the_caller_was_gone_past_the_grace_does_not_connect_and_the_call_is_missed()
    {
        await using var cluster = await CallStateTests.StartAsync();
        var id = NewId();
        var call = cluster.GrainFactory.GetGrain<ICallGrain>(id);
        await call.RingAsync(Ring());
        var dropped = cluster.Clock.GetUtcNow();
        await call.AwayAsync(Leader, "wall-1");

        // Past the grace but before the ringing runs out, with no timer having looked yet: the answer finds the caller gone.
        cluster.Clock.Advance(AwayFor + TimeSpan.FromSeconds(1));
        var late = await call.AcceptAsync(WorkerUser, Worker, "phone-1");
        Assert.False(late.Ok);
        Assert.Equal(CallStatus.Missed, late.Call!.Status);
        var row = await Store(cluster).FindAsync(id);
        Assert.Equal((CallStatus.Missed, CallEndReasons.CallerLost, dropped, null), (row!.Status, row.EndReason, row.EndedAt, row.AnsweredBy));
    }

    [Fact]
    public async Task A_call_whose_whole_cluster_stopped_ends_at_about_when_it_was_last_alive_not_at_the_restart()
    {
        await using var cluster = await CallStateTests.StartAsync();
        var (id, call) = await ConnectedAsync(cluster);

        // Both beat for three minutes: the row keeps a coarse last-alive mark.
        for (var i = 0; i < 36; i++)
        {
            cluster.Clock.Advance(Step);
            await call.BeatAsync(Leader, "wall-1");
            await call.BeatAsync(WorkerUser, "phone-1");
        }

        var lastBeat = cluster.Clock.GetUtcNow();

        // Every silo stops; the cluster comes back two hours later and nobody comes back to the call.
        await cluster.KillAsync();
        cluster.Clock.Advance(TimeSpan.FromHours(2));
        await cluster.RestartAsync();

        var row = await cluster.UntilDueAsync(() => Store(cluster).FindAsync(id), c => c!.Status == CallStatus.Ended, Step, "the orphaned call ended");
        Assert.InRange(row!.EndedAt!.Value, lastBeat - TimeSpan.FromMinutes(1), lastBeat);
        Assert.InRange(row.Duration, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3));
    }

    private static async Task<(string Id, ICallGrain Call)> ConnectedAsync(CommandCluster cluster)
    {
        var id = NewId();
        var call = cluster.GrainFactory.GetGrain<ICallGrain>(id);
        Assert.True((await call.RingAsync(Ring())).Ok);
        Assert.True((await call.AcceptAsync(WorkerUser, Worker, "phone-1")).Ok);
        return (id, call);
    }

    private static CallRing Ring() => new(Leader, "和林格尔县领导", "wall-1", Worker, "张三（网格员）", "150123100001001", Case, null);

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static CallStore Store(CommandCluster cluster) => cluster.Services.GetRequiredService<CallStore>();

    private static CallStateTests.RecordingCallFeed Feed(CommandCluster cluster) => cluster.Services.GetRequiredService<CallStateTests.RecordingCallFeed>();
}
