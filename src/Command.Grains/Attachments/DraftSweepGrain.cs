using Command.Grains.Orders;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Command.Grains.Attachments;

/// <summary>
/// Deletes the files uploaded for orders that were never issued: one per cluster, every <see cref="Period"/> (and once when
/// the silo starts) it removes the drafts older than <see cref="MaxAge"/> on the injected clock. An order naming a swept
/// draft is refused as one naming a draft another order took.
/// </summary>
public interface IDraftSweepGrain : IGrainWithStringKey
{
    /// <summary>The one sweep of the cluster.</summary>
    public const string Key = "order-drafts";

    /// <summary>How old an untaken draft may grow before it is deleted.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    /// <summary>How often the sweep runs.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    /// <summary>Keeps the sweep's reminder registered and sweeps now; returns how many drafts it deleted.</summary>
    Task<int> SweepAsync();
}

internal sealed partial class DraftSweepGrain(AttachmentStore store, TimeProvider time, ILogger<DraftSweepGrain> log) : Grain, IDraftSweepGrain, IRemindable
{
    public async Task<int> SweepAsync()
    {
        await this.RegisterOrUpdateReminder("sweep", IDraftSweepGrain.Period, IDraftSweepGrain.Period);
        return await DeleteStaleAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status) => await DeleteStaleAsync();

    private async Task<int> DeleteStaleAsync()
    {
        var deleted = await store.DeleteOlderAsync(OrderAttachments.DraftPrefix, time.GetUtcNow() - IDraftSweepGrain.MaxAge, "system");
        if (deleted > 0)
        {
            LogDeleted(log, deleted);
        }

        return deleted;
    }

    [LoggerMessage(EventId = 470, Level = LogLevel.Information, Message = "The draft sweep deleted {Count} order attachments never taken by an order")]
    private static partial void LogDeleted(ILogger logger, int count);
}
