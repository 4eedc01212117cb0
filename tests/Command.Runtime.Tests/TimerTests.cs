using Command.Runtime.Tests.Grains;
using Command.TestingHost;

namespace Command.Runtime.Tests;

public sealed class TimerTests
{
    [Fact]
    public async Task A_timer_never_overlaps_itself_even_when_its_callback_outlasts_the_period()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("slow");
        await grain.StartAsync(TimeSpan.FromSeconds(1), workMs: 50, interleave: true, keepAlive: true);

        for (var i = 0; i < 200 && probe.Count("tick slow") < 5; i++)
        {
            cluster.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        var stats = await grain.StatsAsync();
        Assert.True(stats.Ticks >= 5, $"expected at least 5 ticks, saw {stats.Ticks}");
        Assert.Equal(0, stats.Overlaps);
    }

    [Fact]
    public async Task A_timer_tick_is_a_turn_and_waits_for_a_running_request()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("turns");
        await grain.StartAsync(TimeSpan.FromSeconds(1), workMs: 0, interleave: false, keepAlive: true);

        var hold = grain.HoldAsync();
        await Task.Delay(50);
        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        var during = await grain.StatsAsync();
        probe.Gate.SetResult();
        await hold;
        await Eventually.Until(() => grain.StatsAsync(), s => s.Ticks == 1, what: "the deferred tick");

        Assert.Equal(0, during.Ticks);
        Assert.Equal(0, (await grain.StatsAsync()).TicksDuringHold);
    }

    [Fact]
    public async Task An_interleaving_timer_ticks_while_a_request_awaits()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("interleaved");
        await grain.StartAsync(TimeSpan.FromSeconds(1), workMs: 0, interleave: true, keepAlive: true);

        var hold = grain.HoldAsync();
        await Task.Delay(50);
        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        var during = await Eventually.Until(() => grain.StatsAsync(), s => s.Ticks == 1, what: "a tick during the request");
        probe.Gate.SetResult();
        await hold;

        Assert.Equal(1, during.TicksDuringHold);
    }

    [Fact]
    public async Task A_disposed_timer_stops_ticking()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("disposed");
        await grain.StartAsync(TimeSpan.FromSeconds(1), workMs: 0, interleave: false, keepAlive: true);
        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.Until(() => grain.StatsAsync(), s => s.Ticks == 1);

        await grain.StopTimerAsync();
        for (var i = 0; i < 5; i++)
        {
            cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await Task.Delay(100);
        Assert.Equal(1, (await grain.StatsAsync()).Ticks);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task Timer_ticks_keep_a_grain_alive_only_when_asked(bool keepAlive, int expectedDeactivations)
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe, silo: s =>
        {
            s.CollectionAge = TimeSpan.FromMinutes(3);
            s.CollectionQuantum = TimeSpan.FromMinutes(1);
        });
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("alive");
        await grain.StartAsync(TimeSpan.FromSeconds(30), workMs: 0, interleave: false, keepAlive: keepAlive);

        for (var i = 0; i < 20; i++)
        {
            cluster.Clock.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(10);
        }

        await Task.Delay(200);
        Assert.Equal(expectedDeactivations, cluster.ActivationCount == 0 ? 1 : 0);
    }
}
