using Command.Data;
using Command.Grains.Audit;
using Command.Grains.Calls;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Grains.Tests.Calls;

/// <summary>A call's state machine through its grain: ringing → connected → ended, declined, missed (with a notice), and who may do what.</summary>
public sealed class CallStateTests
{
    private static readonly TimeSpan RingFor = TimeSpan.FromSeconds(30);
    private const string Worker = "worker-7";
    private const string Case = "C20261203-0001";

    private static CallRing Ring(string device = "wall-1", string? caseCode = Case) =>
        new("leader", "和林格尔县领导", device, Worker, "张三（网格员）", "150123100001001", caseCode, null);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task An_answered_call_is_logged_with_the_case_who_answered_when_and_how_long(StorageProvider provider)
    {
        await using var cluster = await StartAsync(provider);
        var call = cluster.GrainFactory.GetGrain<ICallGrain>(NewId());
        Assert.True((await call.RingAsync(Ring())).Ok);

        cluster.Clock.Advance(TimeSpan.FromSeconds(5));
        var accepted = await call.AcceptAsync("worker-150123100001001", Worker, "phone-1");
        Assert.Equal(CallStatus.Connected, accepted.Call!.Status);
        Assert.Equal("wall-1", accepted.PeerDevice);

        // 95 seconds of talk, both pages beating (a side quiet for longer than Calls:AwayFor would end the call).
        for (var i = 0; i < 19; i++)
        {
            cluster.Clock.Advance(TimeSpan.FromSeconds(5));
            await call.BeatAsync("leader", "wall-1");
            await call.BeatAsync("worker-150123100001001", "phone-1");
        }

        var ended = await call.HangUpAsync("worker-150123100001001");
        Assert.Equal(CallStatus.Ended, ended.Call!.Status);
        Assert.Equal("wall-1", ended.PeerDevice);

        // The log of the case: one call, who answered, when, and 95 seconds of talk; each step in the audit log with its actor.
        var log = Assert.Single(await Store(cluster).ForCaseAsync(Case));
        Assert.Equal(CallStatus.Ended, log.Status);
        Assert.Equal("leader", log.Caller);
        Assert.Equal("worker-150123100001001", log.AnsweredBy);
        Assert.Equal("worker-150123100001001", log.EndedBy);
        Assert.Equal(TimeSpan.FromSeconds(95), log.Duration);
        Assert.Equal(log.StartedAt + TimeSpan.FromSeconds(5), log.ConnectedAt);
        var actors = await Audit(cluster, log.Id);
        Assert.Equal(["leader:call-ring", "worker-150123100001001:call-accept", "worker-150123100001001:call-hang-up"], actors);
    }

    [Fact]
    public async Task A_call_nobody_answers_is_missed_when_the_ringing_runs_out_and_leaves_a_notice_until_the_callee_has_seen_it()
    {
        await using var cluster = await StartAsync();
        var id = NewId();
        var call = cluster.GrainFactory.GetGrain<ICallGrain>(id);
        await call.RingAsync(Ring());
        Assert.Equal(id, Assert.Single(await Store(cluster).RingingAsync(Worker)).Id);

        // The grain's timer runs on the fake clock: when the ringing runs out, the call is missed without anyone asking.
        cluster.Clock.Advance(RingFor);
        var notice = await Eventually.Until(() => Store(cluster).UnseenMissedAsync(Worker), n => n.Count == 1, what: "a missed-call notice");
        Assert.Equal("system", notice[0].EndedBy);
        Assert.Empty(await Store(cluster).RingingAsync(Worker));

        // Both sides are told at once, not at their next connect: the callee's devices and the caller's device that placed it.
        // (The row is durable before the grain tells anyone, so the notice can be read a moment before the sides hear.)
        var told = Assert.Single(await Eventually.Until(() => Task.FromResult(Told(cluster)), t => t.Count > 0, what: "the sides told of the ring-out"));
        Assert.Equal((id, CallStatus.Missed, "wall-1"), (told.Call.Id, told.Call.Status, told.CallerDevice));

        // Too late to answer; the refusal changes nothing.
        var late = await call.AcceptAsync("worker-150123100001001", Worker, "phone-1");
        Assert.Equal(CallRefusal.Conflict, late.Refusal);
        Assert.Equal(CallStatus.Missed, late.Call!.Status);

        // Someone else cannot dismiss the notice; the callee can.
        Assert.Equal(CallRefusal.NotFound, (await call.SeeAsync("town-150123100", "center-150123100")).Refusal);
        Assert.True((await call.SeeAsync("worker-150123100001001", Worker)).Ok);
        Assert.Empty(await Store(cluster).UnseenMissedAsync(Worker));
    }

    [Fact]
    public async Task The_caller_giving_up_while_it_rings_makes_it_missed()
    {
        await using var cluster = await StartAsync();
        var call = cluster.GrainFactory.GetGrain<ICallGrain>(NewId());
        await call.RingAsync(Ring());
        var gaveUp = await call.HangUpAsync("leader");
        Assert.Equal(CallStatus.Missed, gaveUp.Call!.Status);
        Assert.Equal("leader", gaveUp.Call.EndedBy);
        Assert.Single(await Store(cluster).UnseenMissedAsync(Worker));
    }

    [Fact]
    public async Task Only_the_called_party_answers_and_a_declined_call_stays_declined()
    {
        await using var cluster = await StartAsync();
        var id = NewId();
        var call = cluster.GrainFactory.GetGrain<ICallGrain>(id);
        await call.RingAsync(Ring());

        // Another party answers as for no such call, and the call still rings.
        Assert.Equal(CallRefusal.NotFound, (await call.AcceptAsync("worker-150123100001002", "worker-8", "phone-2")).Refusal);
        Assert.Equal(CallRefusal.NotFound, (await call.DeclineAsync("worker-150123100001002", "worker-8")).Refusal);
        Assert.Equal(CallRefusal.NotFound, (await call.HangUpAsync("stranger")).Refusal);
        Assert.Equal(CallStatus.Ringing, (await call.GetAsync("leader", "center-150123")).Call!.Status);

        var declined = await call.DeclineAsync("worker-150123100001001", Worker);
        Assert.Equal(CallStatus.Declined, declined.Call!.Status);
        Assert.Equal("wall-1", declined.PeerDevice);
        Assert.Equal(CallRefusal.Conflict, (await call.AcceptAsync("worker-150123100001001", Worker, "phone-1")).Refusal);
        Assert.Equal(CallRefusal.Conflict, (await call.HangUpAsync("leader")).Refusal);
        Assert.Equal("declined", await cluster.Database.ScalarAsync("SELECT status FROM calls WHERE id = $1", id));
    }

    [Fact]
    public async Task Signalling_goes_only_between_the_two_devices_that_talk()
    {
        await using var cluster = await StartAsync();
        var call = cluster.GrainFactory.GetGrain<ICallGrain>(NewId());
        await call.RingAsync(Ring());

        // Nothing is relayed before the callee answers.
        Assert.Equal(CallRefusal.NotFound, (await call.PeerAsync("leader", "wall-1")).Refusal);
        await call.AcceptAsync("worker-150123100001001", Worker, "phone-1");

        Assert.Equal("phone-1", (await call.PeerAsync("leader", "wall-1")).PeerDevice);
        Assert.Equal("wall-1", (await call.PeerAsync("worker-150123100001001", "phone-1")).PeerDevice);

        // The leader's other screen, the worker's other phone and anyone else get nothing.
        Assert.Equal(CallRefusal.NotFound, (await call.PeerAsync("leader", "wall-2")).Refusal);
        Assert.Equal(CallRefusal.NotFound, (await call.PeerAsync("worker-150123100001001", "phone-2")).Refusal);
        Assert.Equal(CallRefusal.NotFound, (await call.PeerAsync("duty", "phone-1")).Refusal);

        await call.HangUpAsync("leader");
        Assert.Equal(CallRefusal.NotFound, (await call.PeerAsync("leader", "wall-1")).Refusal);
    }

    [Fact]
    public async Task A_call_id_rings_once()
    {
        await using var cluster = await StartAsync();
        var call = cluster.GrainFactory.GetGrain<ICallGrain>(NewId());
        await call.RingAsync(Ring());
        var again = await call.RingAsync(Ring(device: "wall-9", caseCode: "other"));
        Assert.Equal(CallRefusal.Conflict, again.Refusal);
        Assert.Equal(Case, again.Call!.CaseCode);
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static CallStore Store(CommandCluster cluster) => cluster.Services.GetRequiredService<CallStore>();

    private static async Task<List<string>> Audit(CommandCluster cluster, string id)
    {
        var rows = new List<string>();
        await cluster.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement("SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY at, id", $"call:{id}"), r => rows.Add($"{r.GetString(0)}:{r.GetString(1)}"));
        return rows;
    }

    private static IReadOnlyList<(CallRecord Call, string? CallerDevice)> Told(CommandCluster cluster) =>
        cluster.Services.GetRequiredService<RecordingCallFeed>().Missed;

    /// <summary>What the call grains told the hub, in order.</summary>
    internal sealed class RecordingCallFeed : ICallFeed
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(CallRecord, string?)> missed = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<(CallRecord, string?)> lost = new();

        public IReadOnlyList<(CallRecord Call, string? CallerDevice)> Missed => [.. missed];

        public IReadOnlyList<(CallRecord Call, string? PeerDevice)> Lost => [.. lost];

        public void CallMissed(CallRecord call, string? callerDevice) => missed.Enqueue((call, callerDevice));

        public void CallLost(CallRecord call, string? peerDevice) => lost.Enqueue((call, peerDevice));
    }

    internal static async Task<CommandCluster> StartAsync(StorageProvider provider = StorageProvider.Sqlite)
    {
        if (provider == StorageProvider.Postgres)
        {
            TestDatabase.RequirePostgres();
        }

        var options = new CommandClusterOptions
        {
            Provider = provider,
            ConfigureServices = services =>
            {
                services.AddSingleton<AuditLog>();
                services.AddSingleton<RecordingCallFeed>();
                services.AddSingleton<ICallFeed>(sp => sp.GetRequiredService<RecordingCallFeed>());
                services.AddCalls();
                services.AddOptions<CallOptions>().Configure(o => o.RingFor = RingFor);
            },
        };
        options.GrainAssemblies.Add(GrainsAssembly.Assembly);
        options.MigrationComponents.Add((GrainsAssembly.Assembly, GrainsAssembly.MigrationComponent));
        options.MigrationComponents.Add((GrainsAssembly.Assembly, CallStore.MigrationComponent));
        return await CommandCluster.StartAsync(options);
    }
}
