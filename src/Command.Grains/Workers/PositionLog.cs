using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Command.Grains.Workers;

/// <summary>The disk cannot keep up: the caller should retry later.</summary>
public sealed class PositionLogBusyException(string message) : Exception(message);

/// <summary>
/// Where positions are made durable. Callers append fixes into a shared buffer and wait for the flush that
/// carries them; one flush at a time writes the whole buffer as one bulk unit of a group commit, then
/// completes every waiter of that flush at once and tells each worker's grain its new fixes. Appending copies
/// structs into a reused array: no allocation per position.
/// </summary>
public sealed partial class PositionLog(Database database, IGrainFactory grains, IOptions<PositionOptions> options, ILogger<PositionLog> log) : IHostedService
{
    private readonly Lock gate = new();
    private readonly SemaphoreSlim pending = new(0);
    private readonly int maxPending = options.Value.MaxPending;
    private PositionFix[] filling = new PositionFix[4096];
    private PositionFix[] spare = new PositionFix[4096];
    private int fillingCount;
    private TaskCompletionSource fillingDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool closed;
    private Task flusher = Task.CompletedTask;

    /// <summary>Completes when every fix is durable; fails if the write failed.</summary>
    public Task AppendAsync(ReadOnlySpan<PositionFix> fixes)
    {
        if (fixes.IsEmpty)
        {
            return Task.CompletedTask;
        }

        lock (gate)
        {
            if (closed)
            {
                throw new PositionLogBusyException("The position log is closed (the silo is stopping).");
            }

            if (fillingCount + fixes.Length > maxPending)
            {
                throw new PositionLogBusyException($"More than {maxPending} positions are waiting for the disk.");
            }

            if (fillingCount + fixes.Length > filling.Length)
            {
                Array.Resize(ref filling, Math.Max(filling.Length * 2, fillingCount + fixes.Length));
            }

            fixes.CopyTo(filling.AsSpan(fillingCount));
            var wasEmpty = fillingCount == 0;
            fillingCount += fixes.Length;
            var done = fillingDone.Task;
            if (wasEmpty)
            {
                pending.Release();
            }

            return done;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        flusher = Task.Run(FlushLoop, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Stops taking positions and writes everything already taken.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            closed = true;
        }

        pending.Release();
        await flusher.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushLoop()
    {
        while (true)
        {
            await pending.WaitAsync().ConfigureAwait(false);
            PositionFix[] batch;
            int count;
            TaskCompletionSource done;
            bool last;
            lock (gate)
            {
                batch = filling;
                count = fillingCount;
                done = fillingDone;
                last = closed;
                filling = spare;
                fillingCount = 0;
                fillingDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (count > 0)
            {
                try
                {
                    // In key order the inserts walk the table's pages once instead of jumping between workers.
                    batch.AsSpan(0, count).Sort(default(ByWorkerThenTime));
                    await database.WriteAsync(new PositionBatchWrite(batch, count)).ConfigureAwait(false);

                    // Workers hear first: their report is queued before the acknowledgement goes out.
                    try
                    {
                        Dispatch(batch, count);
                    }
                    catch (Exception e)
                    {
                        LogDispatchFailed(log, e, count);
                    }

                    done.TrySetResult();
                }
                catch (Exception e)
                {
                    LogFlushFailed(log, e, count);
                    done.TrySetException(e);
                }
            }

            spare = batch;
            if (last)
            {
                return;
            }
        }
    }

    /// <summary>Hands each worker its fixes of this flush (sorted by worker, then time): one one-way call per worker.</summary>
    private void Dispatch(PositionFix[] batch, int count)
    {
        var span = batch.AsSpan(0, count);
        var start = 0;
        for (var i = 1; i <= count; i++)
        {
            if (i == count || span[i].WorkerId != span[start].WorkerId)
            {
                var fixes = span[start..i].ToArray();
                _ = grains.GetGrain<IWorkerGrain>(fixes[0].WorkerId).ReportPositionsAsync(fixes);
                start = i;
            }
        }
    }

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "{Count} durable positions could not be handed to their workers' grains")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Writing {Count} positions failed; their senders were told")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);
}
