using System.Diagnostics;
using Command.Runtime.Tests.Grains;
using Command.TestingHost;

namespace Command.Runtime.Tests;

public sealed class TurnTests
{
    [Fact]
    public async Task Requests_to_a_non_reentrant_grain_run_one_at_a_time()
    {
        await using var cluster = await Cluster.StartAsync(new Probe());
        var grain = cluster.GrainFactory.GetGrain<ITurnGrain>(1);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => grain.WorkAsync(5)));

        var stats = await grain.StatsAsync();
        Assert.Equal(new TurnStats(MaxRequestsInFlight: 1, ThreadOverlaps: 0, Completed: 20), stats);
    }

    [Fact]
    public async Task A_reentrant_grain_interleaves_requests_but_never_runs_on_two_threads_at_once()
    {
        await using var cluster = await Cluster.StartAsync(new Probe());
        var grain = cluster.GrainFactory.GetGrain<IReentrantTurnGrain>(1);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => grain.WorkAsync(30)));

        var stats = await grain.StatsAsync();
        Assert.True(stats.MaxRequestsInFlight > 1, $"a reentrant grain should interleave at awaits; max in flight was {stats.MaxRequestsInFlight}");
        Assert.Equal(0, stats.ThreadOverlaps);
        Assert.Equal(20, stats.Completed);
    }

    [Fact]
    public async Task A_reentrant_grain_stays_on_one_thread_when_calls_arrive_and_continuations_resume_all_at_once()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<IReentrantTurnGrain>(7);
        await grain.StatsAsync();

        // 64 callers on many threads enqueue at once; then one gate releases all 64 continuations at once.
        using var start = new Barrier(8);
        var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return Enumerable.Range(0, 8).Select(_ => grain.WorkAfterGateAsync()).ToArray();
        })));
        await Eventually.Until(() => grain.StatsAsync(), s => s.MaxRequestsInFlight == 64, what: "all 64 requests to enter");
        probe.Gate.SetResult();
        await Task.WhenAll(calls.SelectMany(c => c));

        var stats = await grain.StatsAsync();
        Assert.Equal(0, stats.ThreadOverlaps);
        Assert.Equal(64, stats.Completed);
    }

    [Fact]
    public async Task An_always_interleave_method_answers_while_a_long_request_runs()
    {
        await using var cluster = await Cluster.StartAsync(new Probe());
        var grain = cluster.GrainFactory.GetGrain<ITurnGrain>(2);
        await grain.StatsAsync();

        var longRequest = grain.WorkAsync(3000);
        var pong = await grain.PingInterleavedAsync().WaitAsync(TimeSpan.FromSeconds(2));

        Assert.Equal("pong", pong);
        Assert.False(longRequest.IsCompleted);
        await longRequest;
    }

    [Fact]
    public async Task Read_only_requests_interleave_with_each_other_but_not_with_a_mutating_one()
    {
        await using var cluster = await Cluster.StartAsync(new Probe());
        var readers = cluster.GrainFactory.GetGrain<ITurnGrain>(3);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => readers.ReadAsync(50)));
        var readStats = await readers.StatsAsync();

        var mixed = cluster.GrainFactory.GetGrain<ITurnGrain>(4);
        await Task.WhenAll(mixed.WorkAsync(50), mixed.ReadAsync(50), mixed.WorkAsync(50), mixed.ReadAsync(50), mixed.WorkAsync(50));
        var mixedStats = await mixed.StatsAsync();

        Assert.True(readStats.MaxRequestsInFlight > 1, $"read-only requests should interleave; max was {readStats.MaxRequestsInFlight}");
        Assert.Equal(0, readStats.ThreadOverlaps);
        Assert.Equal(0, readStats.WriteOverlaps);
        Assert.Equal(0, mixedStats.WriteOverlaps);
        Assert.Equal(0, mixedStats.ThreadOverlaps);
        Assert.Equal(5, mixedStats.Completed);
    }

    [Fact]
    public async Task A_call_cycle_between_non_reentrant_grains_fails_with_a_timeout_and_both_grains_live_on()
    {
        await using var cluster = await Cluster.StartAsync(new Probe(), silo: s => s.ResponseTimeout = TimeSpan.FromSeconds(1));
        var a = cluster.GrainFactory.GetGrain<ICycleGrain>("a");
        var b = cluster.GrainFactory.GetGrain<ICycleGrain>("b");
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => a.CallAsync("b"));

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Contains("ICycleGrain.", error.Message, StringComparison.Ordinal);
        Assert.Equal("pong from a", await a.PingAsync());
        Assert.Equal("pong from b", await b.PingAsync());
    }

    [Fact]
    public async Task An_exception_reaches_the_caller_and_leaves_the_activation_alive()
    {
        await using var cluster = await Cluster.StartAsync(new Probe());
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("fails");
        var before = await grain.ActivationIdAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.FailAsync("案件状态不允许此操作"));

        Assert.Equal("案件状态不允许此操作", error.Message);
        Assert.Equal(before, await grain.ActivationIdAsync());
        Assert.Equal(1, await grain.IncrementAsync());
    }

    [Fact]
    public async Task A_one_way_call_returns_at_once_runs_in_turn_and_its_failure_is_logged()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("one-way");

        var sent = grain.NotifyAsync("派单");
        Assert.True(sent.IsCompleted);
        await grain.NotifyAsync("fail");

        await Eventually.True(() => cluster.Logs.Lines.Any(l => l.Contains("A one-way call to counter/one-way failed", StringComparison.Ordinal)), what: "the logged failure");
        Assert.Equal(1, probe.Count("notified 派单"));
    }

    [Fact]
    public async Task A_caller_that_blocks_after_an_await_does_not_stall_the_grain_it_called()
    {
        await using var cluster = await Cluster.StartAsync(new Probe(), silo: s => s.ResponseTimeout = TimeSpan.FromSeconds(3));
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("blocked-caller");

        // A caller with no synchronization context, as in a web request. Were the continuation after its await run on
        // the grain's turn, the grain could not answer the blocking call that follows until it timed out.
        var answered = await Task.Run(async () =>
        {
            await grain.IncrementAsync();
#pragma warning disable xUnit1031 // Blocking is what this test is about: a careless caller must not stall the grain.
            return grain.GetAsync().Wait(TimeSpan.FromSeconds(2));
#pragma warning restore xUnit1031
        });

        Assert.True(answered);
    }

    [Fact]
    public async Task Integer_and_guid_keys_round_trip_and_grains_call_grains()
    {
        await using var cluster = await Cluster.StartAsync(new Probe());
        var id = Guid.NewGuid();

        Assert.Equal(150123100001L, await cluster.GrainFactory.GetGrain<IKeyedGrain>(150123100001L).KeyAsync());
        Assert.Equal(id, await cluster.GrainFactory.GetGrain<IGuidKeyedGrain>(id).KeyAsync());
        Assert.Equal(7L, await cluster.GrainFactory.GetGrain<IGuidKeyedGrain>(id).AskOtherAsync(7));
        Assert.Equal(cluster.GrainFactory.GetGrain<IKeyedGrain>(5), cluster.GrainFactory.GetGrain<IKeyedGrain>(5));
        Assert.Equal(7L, cluster.GrainFactory.GetGrain<IKeyedGrain>(7).GetPrimaryKeyLong());
    }

    [Fact]
    public async Task Many_concurrent_callers_over_many_grains_all_get_their_answers_in_turn()
    {
        await using var cluster = await Cluster.StartAsync(new Probe());
        var grains = Enumerable.Range(0, 300).Select(i => cluster.GrainFactory.GetGrain<ITurnGrain>(1000 + i)).ToArray();

        await Task.WhenAll(grains.SelectMany(g => Enumerable.Range(0, 10).Select(_ => g.WorkAsync(0))));

        foreach (var grain in grains)
        {
            var stats = await grain.StatsAsync();
            Assert.Equal(new TurnStats(1, 0, 10), stats);
        }

        Assert.Equal(300, cluster.ActivationCount);
    }
}
