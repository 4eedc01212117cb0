using Command.Grains.Live;
using Command.Grains.Regions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Command.Web.Live;

/// <summary>
/// The one bridge from grains into SignalR. Grains publish into it (a lock and a dictionary write: no allocation for a
/// position); it keeps the board every snapshot is cut from, coalesces pending changes per item, and every
/// <see cref="FlushEvery"/> (or at <see cref="FlushAt"/> pending items) sends each watched scope one batch with the
/// changes inside it: a worker's change goes to its village, township, county and city. Sends are not awaited by the
/// loop: a screen that does not read its socket must not hold up the others (each connection's writes stay in order,
/// and SignalR drops a connection whose send is stuck past the transport's send timeout; it reconnects to a snapshot).
/// </summary>
internal sealed partial class DashboardBridge(
    IHubContext<DashboardHub, IDashboardClient> hub, RegionDirectory directory, InboxRouter inboxes, TimeProvider time, ILogger<DashboardBridge> log)
    : BackgroundService, ILocalLiveBoard, IWorkerBoard
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(100);
    public const int FlushAt = 256;

    private static readonly int[] ScopeLengths = [4, 6, 9, 12];

    private readonly Lock gate = new();
    private readonly LiveBoard board = new(directory);
    private readonly SemaphoreSlim full = new(0, 1);
    private readonly Dictionary<string, Watched> watched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> scopesOf = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<long, WorkerItem> WorkersInside(string scope)
    {
        lock (gate)
        {
            return board.WorkersInside(scope);
        }
    }
    private Pending pending = new();
    private Pending spare = new();

    public void WorkerChanged(in WorkerMark mark)
    {
        lock (gate)
        {
            if (board.Put(mark, out var item))
            {
                pending.Workers[mark.Id] = (item, mark.GridCode);
                Queued();
            }
        }
    }

    public void CaseChanged(CaseCard card)
    {
        // Every card, kept here or not (a closed case still waits for its revisits), also goes to the consoles' inboxes.
        inboxes.CaseChanged(card);
        lock (gate)
        {
            if (board.Put(card))
            {
                pending.Cases[card.Code] = card;
                Queued();
            }
        }
    }

    public void WarningChanged(WarningCard card)
    {
        lock (gate)
        {
            pending.Warnings[card.Id] = board.Put(card);
            Queued();
        }
    }

    public void WarningAcknowledged(string warningId, string by)
    {
        lock (gate)
        {
            if (board.Acknowledge(warningId, by) is { } card)
            {
                pending.Warnings[card.Id] = card;
                Queued();
            }
        }
    }

    public void CountersChanged(string regionCode, in RegionCounters counters)
    {
        lock (gate)
        {
            if (board.Put(regionCode, counters) is { } item)
            {
                pending.Counters[regionCode] = item;
                Queued();
            }
        }
    }

    public void Seed(IReadOnlyList<CaseCard> openCases, IReadOnlyList<WarningCard> activeWarnings)
    {
        inboxes.Seed(openCases);
        lock (gate)
        {
            board.Seed(openCases, activeWarnings);
        }
    }

    public void Merge(LiveChanges snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        foreach (var mark in snapshot.Workers)
        {
            WorkerChanged(mark);
        }

        foreach (var card in snapshot.Cases)
        {
            CaseChanged(card);
        }

        lock (gate)
        {
            foreach (var card in snapshot.Warnings)
            {
                if (!board.HasWarning(card.Id) && card.Active)
                {
                    pending.Warnings[card.Id] = board.Put(card);
                    Queued();
                }
            }

            foreach (var (code, counters) in snapshot.Counters)
            {
                if (board.CountersOf(code) is null && board.Put(code, counters) is { } item)
                {
                    pending.Counters[code] = item;
                    Queued();
                }
            }
        }
    }

    public LiveChanges Export()
    {
        lock (gate)
        {
            return board.Export();
        }
    }

    /// <summary>Starts sending a scope's changes (its group has the connection already) and cuts its snapshot.</summary>
    public (List<WorkerItem> Workers, List<CaseCard> Cases, List<WarningCard> Warnings, Dictionary<string, CountersItem?> Counters) Watch(
        string scope, IEnumerable<string> counterCodes)
    {
        lock (gate)
        {
            if (!watched.TryGetValue(scope, out var w))
            {
                watched[scope] = w = new Watched(scope);
            }

            w.Connections++;
            var (workers, cases, warnings) = board.Inside(scope);
            return (workers, cases, warnings, counterCodes.ToDictionary(c => c, board.CountersOf, StringComparer.Ordinal));
        }
    }

    /// <summary>True when the board has no counters yet for one of the codes (its grain has not published).</summary>
    public bool LacksCounters(IEnumerable<string> codes)
    {
        lock (gate)
        {
            return codes.Any(c => board.CountersOf(c) is null);
        }
    }

    public void Unwatch(string scope)
    {
        lock (gate)
        {
            if (watched.TryGetValue(scope, out var w) && --w.Connections <= 0)
            {
                watched.Remove(scope);
            }
        }
    }

    private void Queued()
    {
        if (pending.Count == FlushAt && full.CurrentCount == 0)
        {
            full.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await full.WaitAsync(FlushEvery, stoppingToken);
                Flush();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A screen that misses a batch heals at its next reconnect; the bridge itself must keep going.
                LogFlushFailed(log, e);
            }
        }
    }

    /// <summary>Sends what is pending to every watched scope it lies in.</summary>
    internal void Flush()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        List<(string Group, LiveBatch Batch)> sends;
        lock (gate)
        {
            if (pending.Count == 0)
            {
                return;
            }

            (pending, spare) = (spare, pending);
            foreach (var (item, grid) in spare.Workers.Values)
            {
                foreach (var scope in ScopesOf(grid))
                {
                    if (watched.TryGetValue(scope, out var w))
                    {
                        w.Batch.Workers.Add(item);
                    }
                }
            }

            Route(spare.Cases.Values, c => c.RegionCode, (b, c) => b.Cases.Add(c));
            Route(spare.Warnings.Values, c => c.RegionCode, (b, c) => b.Warnings.Add(c));
            foreach (var item in spare.Counters.Values)
            {
                // A region's counters are drawn by the screens of the region itself and of its parent.
                foreach (var scope in (string?[])[item.Code, directory.FindRegion(item.Code)?.ParentCode])
                {
                    if (scope is not null && watched.TryGetValue(scope, out var w))
                    {
                        w.Batch.Counters.Add(item);
                    }
                }
            }

            spare.Clear();
            sends = [.. watched.Values.Where(w => !w.Batch.IsEmpty).Select(w => (w.Group, w.Batch.Take(w.Scope, now)))];
        }

        foreach (var (group, batch) in sends)
        {
            _ = SendAsync(group, batch);
        }
    }

    private async Task SendAsync(string group, LiveBatch batch)
    {
        try
        {
            await hub.Clients.Group(group).Changes(batch);
        }
        catch (Exception e)
        {
            LogFlushFailed(log, e);
        }
    }

    private void Route<T>(IEnumerable<T> items, Func<T, string> codeOf, Action<BatchBuilder, T> add)
    {
        foreach (var item in items)
        {
            foreach (var scope in ScopesOf(codeOf(item)))
            {
                if (watched.TryGetValue(scope, out var w))
                {
                    add(w.Batch, item);
                }
            }
        }
    }

    /// <summary>The codes of the scopes a region code lies in (city, county, township, village), cached.</summary>
    private string[] ScopesOf(string code)
    {
        if (!scopesOf.TryGetValue(code, out var scopes))
        {
            scopes = [.. ScopeLengths.Where(n => n <= code.Length).Select(n => code[..n])];
            scopesOf[code] = scopes;
        }

        return scopes;
    }

    public override void Dispose()
    {
        full.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Sending live changes to the screens failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    private sealed class Watched(string scope)
    {
        public string Scope { get; } = scope;

        public string Group { get; } = DashboardHub.GroupOf(scope);

        public int Connections { get; set; }

        public BatchBuilder Batch { get; } = new();
    }

    private sealed class Pending
    {
        public Dictionary<long, (WorkerItem Item, string Grid)> Workers { get; } = [];

        public Dictionary<string, CaseCard> Cases { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, WarningCard> Warnings { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, CountersItem> Counters { get; } = new(StringComparer.Ordinal);

        public int Count => Workers.Count + Cases.Count + Warnings.Count + Counters.Count;

        public void Clear()
        {
            Workers.Clear();
            Cases.Clear();
            Warnings.Clear();
            Counters.Clear();
        }
    }

    private sealed class BatchBuilder
    {
        public List<WorkerItem> Workers { get; } = [];

        public List<CaseCard> Cases { get; } = [];

        public List<WarningCard> Warnings { get; } = [];

        public List<CountersItem> Counters { get; } = [];

        public bool IsEmpty => Workers.Count + Cases.Count + Warnings.Count + Counters.Count == 0;

        /// <summary>The batch to send, leaving the builder empty for the next flush.</summary>
        public LiveBatch Take(string scope, long now)
        {
            var batch = new LiveBatch(scope, now, [.. Workers], [.. Cases], [.. Warnings], [.. Counters]);
            Workers.Clear();
            Cases.Clear();
            Warnings.Clear();
            Counters.Clear();
            return batch;
        }
    }
}
