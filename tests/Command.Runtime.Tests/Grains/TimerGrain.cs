namespace Command.Runtime.Tests.Grains;

public interface ITimerGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan period, int workMs, bool interleave, bool keepAlive);

    Task StopTimerAsync();

    /// <summary>A long request: holds the grain until the probe's gate opens.</summary>
    Task HoldAsync();

    [AlwaysInterleave]
    Task<(int Ticks, int Overlaps, int TicksDuringHold)> StatsAsync();

    /// <summary>A timer whose first tick moves its own next tick to "now" with Change.</summary>
    Task StartSelfReschedulingAsync(TimeSpan period);

    [AlwaysInterleave]
    Task DeactivateSoonAsync();
}

internal sealed class TimerGrain(Probe probe) : Grain, ITimerGrain
{
    private IGrainTimer? timer;
    private int ticks;
    private int running;
    private int overlaps;
    private bool holding;
    private int ticksDuringHold;

    public Task StartAsync(TimeSpan period, int workMs, bool interleave, bool keepAlive)
    {
        timer = RegisterGrainTimer(
            async ct =>
            {
                if (++running > 1)
                {
                    overlaps++;
                }

                if (holding)
                {
                    ticksDuringHold++;
                }

                ticks++;
                probe.Record($"tick {this.GetPrimaryKeyString()}");
                await Task.Delay(workMs, ct);
                running--;
            },
            new GrainTimerCreationOptions(period, period) { Interleave = interleave, KeepAlive = keepAlive });
        return Task.CompletedTask;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"activate {this.GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public Task StartSelfReschedulingAsync(TimeSpan period)
    {
        timer = RegisterGrainTimer(
            async ct =>
            {
                probe.Record($"tick {this.GetPrimaryKeyString()}");
                if (++ticks == 1)
                {
                    // Due again at once, while this tick is still running.
                    timer!.Change(TimeSpan.Zero, period);
                    await Task.Delay(200, ct);
                }
            },
            new GrainTimerCreationOptions(period, period) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task DeactivateSoonAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task StopTimerAsync()
    {
        timer?.Dispose();
        return Task.CompletedTask;
    }

    public async Task HoldAsync()
    {
        holding = true;
        await probe.Gate.Task;
        holding = false;
    }

    public Task<(int Ticks, int Overlaps, int TicksDuringHold)> StatsAsync() => Task.FromResult((ticks, overlaps, ticksDuringHold));
}
