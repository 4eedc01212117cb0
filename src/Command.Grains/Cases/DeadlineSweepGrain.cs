using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Command.Grains.Cases;

/// <summary>
/// The safety net under the cases' reminders, one per cluster: every <see cref="CaseOptions.DeadlineSweep"/> (and once
/// when the silo starts) it wakes each open case whose next deadline, as written with the case, passed more than one
/// reminder period ago: a reminder lost in a crash before it was stored, or one that could not be armed. Dispatch orders
/// whose sign-for limit so passed are woken alike.
/// </summary>
public interface IDeadlineSweepGrain : IGrainWithStringKey
{
    /// <summary>The one sweep of the cluster.</summary>
    public const string Key = "cases";

    /// <summary>Keeps the sweep's reminder registered and sweeps now; returns how many cases and orders it woke.</summary>
    Task<int> SweepAsync();
}

internal sealed partial class DeadlineSweepGrain(CaseStore store, Orders.OrderStore orders, CaseClock clock, TimeProvider time, ILogger<DeadlineSweepGrain> log)
    : Grain, IDeadlineSweepGrain, IRemindable
{
    /// <summary>The most cases one sweep wakes; the next sweep takes the rest.</summary>
    private const int Batch = 2000;
    private const int Parallel = 16;

    public async Task<int> SweepAsync()
    {
        var period = clock.Options.DeadlineSweep;
        await this.RegisterOrUpdateReminder("sweep", period, period);
        return await WakeOverdueAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await WakeOverdueAsync();

    private async Task<int> WakeOverdueAsync()
    {
        var due = await store.DueAsync(time.GetUtcNow() - clock.Options.DeadlineRetry, Batch);
        for (var i = 0; i < due.Count; i += Parallel)
        {
            await Task.WhenAll(due.Skip(i).Take(Parallel).Select(code => GrainFactory.GetGrain<ICaseGrain>(code).CatchUpAsync()));
        }

        // Dispatch orders' sign-for limits have the same safety net.
        var late = await orders.DueAsync(time.GetUtcNow() - clock.Options.DeadlineRetry, Batch);
        await Task.WhenAll(late.Select(id => GrainFactory.GetGrain<Orders.IOrderGrain>(id).CatchUpAsync()));
        if (due.Count + late.Count > 0)
        {
            LogWoken(log, due.Count + late.Count);
        }

        return due.Count + late.Count;
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "The deadline sweep woke {Count} cases and orders whose deadline passed without their reminder")]
    private static partial void LogWoken(ILogger logger, int count);
}
