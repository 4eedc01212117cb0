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
    public async Task A_timer_that_moves_its_next_tick_to_now_during_a_tick_keeps_ticking()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("rescheduled");
        await grain.StartSelfReschedulingAsync(TimeSpan.FromSeconds(1));

        for (var i = 0; i < 100 && probe.Count("tick rescheduled") < 4; i++)
        {
            cluster.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.True(probe.Count("tick rescheduled") >= 4, $"the timer stopped after {probe.Count("tick rescheduled")} ticks");
    }

    [Fact]
    public async Task A_slow_tick_is_not_a_timed_out_call_and_still_never_overlaps()
    {
        long timedOutTimerCalls = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Command.Runtime" && instrument.Name == "command.runtime.calls.timed_out")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "grain_type", Value: "timer" })
                {
                    Interlocked.Add(ref timedOutTimerCalls, value);
                }
            }
        });
        listener.Start();
        var probe = new Probe();
        // Ticks last longer than the response timeout; the timeout leaves margin for a loaded two-core machine.
        await using var cluster = await Cluster.StartAsync(probe, silo: s => s.ResponseTimeout = TimeSpan.FromSeconds(2));
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("slow-tick");
        await grain.StartAsync(TimeSpan.FromSeconds(1), workMs: 2600, interleave: true, keepAlive: true);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(6))
        {
            cluster.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        var stats = await grain.StatsAsync();
        Assert.True(stats.Ticks >= 2, $"expected ticks to go on, saw {stats.Ticks}");
        Assert.Equal(0, stats.Overlaps);
        Assert.Equal(0, Interlocked.Read(ref timedOutTimerCalls));
    }

    [Fact]
    public async Task A_timer_tick_queued_when_the_grain_deactivates_does_not_bring_it_back()
    {
        var probe = new Probe();
        await using var cluster = await Cluster.StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<ITimerGrain>("retiring");
        await grain.StartAsync(TimeSpan.FromSeconds(1), workMs: 0, interleave: false, keepAlive: true);
        var hold = grain.HoldAsync();
        await Task.Delay(50);
        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        await grain.DeactivateSoonAsync();

        probe.Gate.SetResult();
        await hold;
        await Eventually.True(() => cluster.ActivationCount == 0, what: "the deactivation");
        await Task.Delay(200);

        Assert.Equal(0, cluster.ActivationCount);
        Assert.Equal(1, probe.Count("activate retiring"));
        Assert.Equal(0, probe.Count("tick retiring"));
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
    [InlineData(false)]
    [InlineData(true)]
    public async Task Timer_ticks_keep_a_grain_alive_only_when_asked(bool keepAlive)
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

        if (keepAlive)
        {
            await Task.Delay(200);
            Assert.Equal(1, cluster.ActivationCount);
        }
        else
        {
            await Eventually.True(() => cluster.ActivationCount == 0, what: "collection of a grain whose ticks do not keep it alive");
        }
    }
}
