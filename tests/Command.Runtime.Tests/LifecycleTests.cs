using Command.Runtime.Tests.Grains;
using Command.TestingHost;

namespace Command.Runtime.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task An_idle_grain_is_deactivated_after_its_collection_age_on_the_fake_clock()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe, silo: s =>
        {
            s.CollectionAge = TimeSpan.FromMinutes(10);
            s.CollectionQuantum = TimeSpan.FromMinutes(1);
        });
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("idle");
        var first = await grain.ActivationIdAsync();

        for (var minute = 0; minute < 5; minute++)
        {
            cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await Task.Delay(100);
        Assert.Equal(0, probe.Count("deactivate idle"));
        Assert.Equal(first, await grain.ActivationIdAsync());

        for (var minute = 0; minute < 13; minute++)
        {
            cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await Eventually.True(() => probe.Count("deactivate idle ActivationIdle") == 1, what: "idle collection");
        Assert.NotEqual(first, await grain.ActivationIdAsync());
        Assert.Equal(2, probe.Count("activate idle"));
    }

    [Fact]
    public async Task A_grain_called_every_minute_is_never_collected()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe, silo: s =>
        {
            s.CollectionAge = TimeSpan.FromMinutes(5);
            s.CollectionQuantum = TimeSpan.FromMinutes(1);
        });
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("busy");
        var first = await grain.ActivationIdAsync();

        for (var minute = 0; minute < 30; minute++)
        {
            cluster.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(first, await grain.ActivationIdAsync());
        }

        Assert.Equal(0, probe.Count("deactivate busy"));
    }

    [Fact]
    public async Task DeactivateOnIdle_gives_the_next_call_a_fresh_activation_with_the_stored_state()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("fresh");
        await grain.IncrementAsync();
        var first = await grain.ActivationIdAsync();

        await grain.DeactivateAsync();
        var calls = Enumerable.Range(0, 5).Select(_ => grain.GetAsync()).ToArray();

        Assert.All(await Task.WhenAll(calls), value => Assert.Equal(1, value));
        Assert.NotEqual(first, await grain.ActivationIdAsync());
        Assert.Equal(1, probe.Count("deactivate fresh ApplicationRequested"));
    }

    [Fact]
    public async Task The_test_cluster_can_force_a_deactivation()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("forced");
        var first = await grain.ActivationIdAsync();

        await cluster.DeactivateAsync(grain);

        Assert.Equal(0, cluster.ActivationCount);
        Assert.Equal(1, probe.Count("deactivate forced"));
        Assert.NotEqual(first, await grain.ActivationIdAsync());
    }

    [Fact]
    public async Task A_graceful_stop_runs_OnDeactivateAsync_and_commits_its_writes_but_a_kill_does_not()
    {
        await using var cluster = await Cluster.StartAsync(new Probe());
        var graceful = cluster.GrainFactory.GetGrain<ISessionGrain>("graceful");
        await graceful.AddAsync(5);
        await graceful.AddAsync(7);

        await cluster.StopAsync();
        await cluster.RestartAsync();

        var killed = cluster.GrainFactory.GetGrain<ISessionGrain>("killed");
        await killed.AddAsync(3);
        await cluster.KillAsync();
        await cluster.RestartAsync();

        Assert.Equal(12, await cluster.GrainFactory.GetGrain<ISessionGrain>("graceful").TotalAsync());
        Assert.Equal(0, await cluster.GrainFactory.GetGrain<ISessionGrain>("killed").TotalAsync());
    }

    [Fact]
    public async Task A_failed_activation_fails_the_waiting_callers_and_the_next_call_tries_again()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<IFragileGrain>("archive");

        var calls = Enumerable.Range(0, 3).Select(_ => Assert.ThrowsAsync<InvalidOperationException>(() => grain.HelloAsync())).ToList();
        await Eventually.True(() => probe.Count("activating archive") == 1, what: "the first activation under way");
        probe.Gate.SetResult();
        var failures = await Task.WhenAll(calls);
        probe.Record("allow activation");

        Assert.All(failures, e => Assert.Equal("档案库暂不可用", e.Message));
        Assert.Equal("你好", await grain.HelloAsync());
        Assert.Equal(2, probe.Count("activating archive"));
    }

    [Fact]
    public async Task A_collection_age_limit_on_the_class_overrides_the_silo_default()
    {
        await using var cluster = await Cluster.StartAsync(new Probe(), silo: s => s.CollectionQuantum = TimeSpan.FromMinutes(1));
        var shortLived = cluster.GrainFactory.GetGrain<IShortLivedGrain>("short");
        var ordinary = cluster.GrainFactory.GetGrain<ICounterGrain>("ordinary");
        var first = await shortLived.ActivationIdAsync();
        await ordinary.GetAsync();

        for (var minute = 0; minute < 5; minute++)
        {
            cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await Eventually.True(() => cluster.ActivationCount == 1, what: "the short-lived grain to be collected");
        Assert.NotEqual(first, await shortLived.ActivationIdAsync());
    }

    [Fact]
    public async Task DelayDeactivation_keeps_an_idle_grain_until_the_time_it_asked_for()
    {
        await using var cluster = await Cluster.StartAsync(new Probe(), silo: s => s.CollectionQuantum = TimeSpan.FromMinutes(1));
        var grain = cluster.GrainFactory.GetGrain<IShortLivedGrain>("staying");
        await grain.StayAsync(TimeSpan.FromMinutes(10));

        for (var minute = 0; minute < 8; minute++)
        {
            cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await Task.Delay(100);
        var keptPastItsAge = cluster.ActivationCount;
        for (var minute = 0; minute < 4; minute++)
        {
            cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await Eventually.True(() => cluster.ActivationCount == 0, what: "collection once the delay is over");
        Assert.Equal(1, keptPastItsAge);
    }

    [Fact]
    public async Task A_reference_can_be_viewed_through_another_interface_of_the_same_grain_only()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>("two-faces");

        var remindable = grain.AsReference<IRemindable>();
        await remindable.ReceiveReminder("by-hand", new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));

        Assert.Equal(grain.GetGrainId(), remindable.GetGrainId());
        Assert.Equal(1, probe.Count("reminder two-faces/by-hand"));
        Assert.Throws<InvalidCastException>(() => grain.AsReference<ICounterGrain>());
    }

    [Fact]
    public async Task Calls_to_a_stopped_silo_are_refused_with_SiloUnavailableException()
    {
        await using var cluster = await Cluster.StartAsync(new Probe());
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("stopped");
        await grain.GetAsync();

        await cluster.StopAsync();

        await Assert.ThrowsAsync<SiloUnavailableException>(() => grain.GetAsync());
    }
}
