using System.Runtime.InteropServices;
using Command.Grains.Regions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Command.Grains.Live;

/// <summary>
/// The feed grains publish into when the silo may have peers. Each change goes to this silo's screens at once and, while
/// other silos are known, into an outbox that is sent to each of them every <see cref="FlushEvery"/> as one one-way batch
/// (coalesced per worker, case, warning and region, so a burst of fixes costs one entry each). Changes that arrive from a
/// peer go to this silo's screens only. Alone, a silo pays one volatile read per change.
/// </summary>
public sealed partial class ClusterFeed(ILocalLiveBoard local, IGrainFactory grains, ILogger<ClusterFeed> log)
    : ILiveFeed, ILiveRelay, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan RenewEvery = SiloDirectoryGrain<ILiveRelay>.RenewEvery;

    private readonly string origin = Guid.NewGuid().ToString("N");
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> lastSequence = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim joining = new(1, 1);
    private Outbox outbox = new();
    private Outbox spare = new();
    private readonly Dictionary<ILiveRelay, long> listedAt = [];
    private ILiveRelay[] peers = [];
    private ILiveRelay? self;
    private long sequence;
    private bool snapshotTaken;
    private Task flushing = Task.CompletedTask;
    private Task renewing = Task.CompletedTask;

    /// <summary>The other silos' relays as of the last renewal.</summary>
    public int PeerCount => Volatile.Read(ref peers).Length;

    public void WorkerChanged(in WorkerMark mark)
    {
        local.WorkerChanged(mark);
        if (Volatile.Read(ref peers).Length == 0)
        {
            return;
        }

        lock (gate)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(outbox.Workers, mark.Id, out var exists);
            if (!exists || slot.Version < mark.Version)
            {
                slot = mark;
            }
        }
    }

    public void CaseChanged(CaseCard card)
    {
        local.CaseChanged(card);
        if (Volatile.Read(ref peers).Length > 0)
        {
            lock (gate)
            {
                if (!outbox.Cases.TryGetValue(card.Code, out var old) || old.V < card.V)
                {
                    outbox.Cases[card.Code] = card;
                }
            }
        }
    }

    public void WarningChanged(WarningCard card)
    {
        local.WarningChanged(card);
        if (Volatile.Read(ref peers).Length > 0)
        {
            lock (gate)
            {
                outbox.Warnings[card.Id] = card;
            }
        }
    }

    public void WarningAcknowledged(string warningId, string by)
    {
        local.WarningAcknowledged(warningId, by);
        if (Volatile.Read(ref peers).Length > 0)
        {
            lock (gate)
            {
                outbox.Acknowledgements.Add(new WarningAcknowledgement(warningId, by));
            }
        }
    }

    public void CountersChanged(string regionCode, in RegionCounters counters)
    {
        local.CountersChanged(regionCode, counters);
        if (Volatile.Read(ref peers).Length > 0)
        {
            lock (gate)
            {
                outbox.Counters[regionCode] = counters;
            }
        }
    }

    /// <summary>What this silo read from the database at start: its own screens only (every silo reads it).</summary>
    public void Seed(IReadOnlyList<CaseCard> openCases, IReadOnlyList<WarningCard> activeWarnings) => local.Seed(openCases, activeWarnings);

    /// <summary>A peer's batch: shown on this silo's screens, never relayed again.</summary>
    public Task ApplyAsync(LiveChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        bool inOrder;
        long gap = 0;
        lock (lastSequence)
        {
            var known = lastSequence.TryGetValue(changes.Origin, out var last);
            inOrder = !known || changes.Sequence > last;
            if (inOrder)
            {
                gap = known ? changes.Sequence - last - 1 : 0;
                lastSequence[changes.Origin] = changes.Sequence;
            }
        }

        if (!inOrder)
        {
            LogOvertaken(log, changes.Origin, changes.Sequence);
        }
        else if (gap > 0)
        {
            // Versioned workers and cases heal at their next change, counters within a minute; a missed warning change stays
            // until that warning changes again or this silo restarts.
            LogGap(log, gap, changes.Origin);
        }

        Show(changes, inOrder);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Learns the asking silo first, so that whatever changes after the export is relayed to it: nothing falls between the
    /// snapshot and the first batch.
    /// </summary>
    public async Task<LiveChanges> SnapshotAsync()
    {
        await JoinAsync();
        return local.Export() with { Origin = origin };
    }

    /// <summary>
    /// Relays from the moment the silo is active (the first join is awaited, so changes from then on reach the peers) until
    /// its grains have deactivated at shutdown (their last changes still go out).
    /// </summary>
    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(ClusterFeed), ServiceLifecycleStage.Active, StartAsync, _ => Task.CompletedTask);
        lifecycle.Subscribe(nameof(ClusterFeed), ServiceLifecycleStage.RuntimeGrainServices, _ => Task.CompletedTask, StopAsync);
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await JoinAsync();
        flushing = FlushLoopAsync(stopping.Token);
        renewing = RenewLoopAsync(stopping.Token);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await Task.WhenAll(flushing, renewing).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Flush();
        try
        {
            await grains.GetGrain<ISiloDirectoryGrain<ILiveRelay>>(0).LeaveAsync(origin).WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The directory drops a relay that stops renewing; leaving only makes that immediate.
            LogLeaveFailed(log, e);
        }
    }

    public void Dispose()
    {
        stopping.Dispose();
        joining.Dispose();
    }

    private void Show(LiveChanges changes, bool all)
    {
        foreach (var mark in changes.Workers)
        {
            local.WorkerChanged(mark);
        }

        foreach (var card in changes.Cases)
        {
            local.CaseChanged(card);
        }

        if (!all)
        {
            return;
        }

        foreach (var card in changes.Warnings)
        {
            local.WarningChanged(card);
        }

        foreach (var (warningId, by) in changes.Acknowledgements)
        {
            local.WarningAcknowledged(warningId, by);
        }

        foreach (var (code, counters) in changes.Counters)
        {
            local.CountersChanged(code, counters);
        }
    }

    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(FlushEvery, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Flush();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Renews apart from the flushes, so a directory that is slow to answer (its silo just died) holds up no batch.</summary>
    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewEvery, TimeProvider.System);
        try
        {
            do
            {
                var others = await JoinAsync();
                if (others is { Length: > 0 } && !snapshotTaken)
                {
                    await TakeSnapshotsAsync(others);
                }
                else if (others is not null)
                {
                    // A silo whose first renewal finds no peer has nothing to catch up on: a silo that joins later asks it.
                    snapshotTaken = true;
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Registers this silo's relay and returns its peers (null when the directory could not be reached). A peer stays one until
    /// it has gone unlisted for the directory's expiry, so a directory that restarted empty (its silo died) and has not heard
    /// from everyone again yet does not make this silo drop changes meant for them.
    /// </summary>
    private async Task<ILiveRelay[]?> JoinAsync()
    {
        await joining.WaitAsync();
        try
        {
            self ??= grains.CreateObjectReference<ILiveRelay>(this);
            var listed = await grains.GetGrain<ISiloDirectoryGrain<ILiveRelay>>(0).JoinAsync(origin, self).WaitAsync(RenewEvery);
            var now = Environment.TickCount64;
            foreach (var member in listed)
            {
                listedAt[member.Peer] = now;
            }

            foreach (var gone in listedAt.Where(p => now - p.Value > SiloDirectoryGrain<ILiveRelay>.Expiry.TotalMilliseconds).Select(p => p.Key).ToList())
            {
                listedAt.Remove(gone);
            }

            var known = listedAt.Keys.ToArray();
            if (known.Length != Volatile.Read(ref peers).Length)
            {
                LogPeers(log, known.Length);
            }

            Volatile.Write(ref peers, known);
            return known;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogRenewFailed(log, e);
            return null;
        }
        finally
        {
            joining.Release();
        }
    }

    /// <summary>
    /// Takes the screens' state from every peer: each learns this silo before it exports, so whatever any of them publishes
    /// afterwards is relayed here. What a snapshot holds only fills in what this silo does not know yet.
    /// </summary>
    private async Task TakeSnapshotsAsync(ILiveRelay[] others)
    {
        var taken = await Task.WhenAll(others.Select(async peer =>
        {
            try
            {
                var snapshot = await peer.SnapshotAsync().WaitAsync(TimeSpan.FromSeconds(10));
                local.Merge(snapshot);
                LogSnapshot(log, snapshot.Workers.Length, snapshot.Cases.Length, snapshot.Warnings.Length, snapshot.Counters.Length);
                return true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogSnapshotFailed(log, e);
                return false;
            }
        }));

        // Tried again at the next renewal when no peer could answer.
        snapshotTaken = taken.Any(t => t);
    }

    /// <summary>Sends what the outbox holds to every peer, one one-way batch each.</summary>
    internal void Flush()
    {
        LiveChanges changes;
        lock (gate)
        {
            if (outbox.IsEmpty)
            {
                return;
            }

            (outbox, spare) = (spare, outbox);
            changes = spare.Take(origin, ++sequence);
        }

        foreach (var peer in Volatile.Read(ref peers))
        {
            try
            {
                _ = peer.ApplyAsync(changes);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A peer that died is dropped by the directory; its screens reconnect elsewhere to a snapshot.
                LogSendFailed(log, e);
            }
        }
    }

    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Live changes are relayed to {Peers} other silo(s)")]
    private static partial void LogPeers(ILogger logger, int peers);

    [LoggerMessage(EventId = 512, Level = LogLevel.Warning, Message = "Could not renew this silo's live relay; the next try is in a few seconds")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 513, Level = LogLevel.Information, Message = "Took the screens' state from a peer: {Workers} workers, {Cases} cases, {Warnings} warnings, {Counters} counters")]
    private static partial void LogSnapshot(ILogger logger, int workers, int cases, int warnings, int counters);

    [LoggerMessage(EventId = 514, Level = LogLevel.Warning, Message = "A peer could not give the screens' state")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 515, Level = LogLevel.Debug, Message = "Relaying live changes to a peer failed")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 516, Level = LogLevel.Warning, Message = "Live batch {Sequence} from {Origin} arrived after a later one: only its versioned changes were shown")]
    private static partial void LogOvertaken(ILogger logger, string origin, long sequence);

    [LoggerMessage(EventId = 518, Level = LogLevel.Warning, Message = "{Missed} live batch(es) from {Origin} never arrived")]
    private static partial void LogGap(ILogger logger, long missed, string origin);

    [LoggerMessage(EventId = 517, Level = LogLevel.Debug, Message = "Could not take this silo's live relay off the directory")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception);

    private sealed class Outbox
    {
        public Dictionary<long, WorkerMark> Workers { get; } = [];

        public Dictionary<string, CaseCard> Cases { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, WarningCard> Warnings { get; } = new(StringComparer.Ordinal);

        public List<WarningAcknowledgement> Acknowledgements { get; } = [];

        public Dictionary<string, RegionCounters> Counters { get; } = new(StringComparer.Ordinal);

        public bool IsEmpty => Workers.Count + Cases.Count + Warnings.Count + Acknowledgements.Count + Counters.Count == 0;

        /// <summary>The batch to send, leaving the outbox empty.</summary>
        public LiveChanges Take(string origin, long sequence)
        {
            var changes = new LiveChanges(
                origin, sequence, [.. Workers.Values], [.. Cases.Values], [.. Warnings.Values], [.. Acknowledgements],
                [.. Counters.Select(c => new RegionCountersChange(c.Key, c.Value))]);
            Workers.Clear();
            Cases.Clear();
            Warnings.Clear();
            Acknowledgements.Clear();
            Counters.Clear();
            return changes;
        }
    }
}

public static class ClusterFeedServices
{
    /// <summary>
    /// The feed grains publish into: this silo's screens (<typeparamref name="TBoard"/>, registered by the caller) and, through
    /// <see cref="ClusterFeed"/>, every other silo's.
    /// </summary>
    public static IServiceCollection AddClusterFeed<TBoard>(this IServiceCollection services)
        where TBoard : class, ILocalLiveBoard
    {
        services.AddSingleton<ILocalLiveBoard>(sp => sp.GetRequiredService<TBoard>());
        services.AddSingleton<ClusterFeed>();
        services.AddSingleton<ILiveFeed>(sp => sp.GetRequiredService<ClusterFeed>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClusterFeed>());
        return services;
    }
}
