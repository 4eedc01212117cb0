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
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    private readonly string origin = Guid.NewGuid().ToString("N");
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> lastSequence = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim joining = new(1, 1);
    private Outbox outbox = new();
    private Outbox spare = new();
    private ILiveRelay[] peers = [];
    private ILiveRelay? self;
    private long sequence;
    private bool snapshotTaken;
    private Task loop = Task.CompletedTask;

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
        lock (lastSequence)
        {
            inOrder = !lastSequence.TryGetValue(changes.Origin, out var last) || changes.Sequence > last;
            if (inOrder)
            {
                lastSequence[changes.Origin] = changes.Sequence;
            }
        }

        if (!inOrder)
        {
            LogOvertaken(log, changes.Origin, changes.Sequence);
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

    /// <summary>Relays while the silo is active: it can call grains from the first renewal to the last leave.</summary>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterFeed), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        loop = RunAsync(stopping.Token);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Flush();
        try
        {
            await grains.GetGrain<ILiveRelayDirectoryGrain>(0).LeaveAsync(origin).WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
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

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(FlushEvery, TimeProvider.System);
        var renewAt = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Flush();
                if (Environment.TickCount64 >= renewAt)
                {
                    renewAt = Environment.TickCount64 + (long)RenewEvery.TotalMilliseconds;
                    await RenewAsync();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Registers this silo's relay again and learns the others; the first time there are others, takes a snapshot.</summary>
    private async Task RenewAsync()
    {
        if (await JoinAsync() is { } others && !snapshotTaken)
        {
            // A silo whose first renewal finds no peer has nothing to catch up on: a silo that joins later asks it instead.
            snapshotTaken = true;
            if (others.Length > 0)
            {
                await TakeSnapshotAsync(others);
            }
        }
    }

    /// <summary>Registers this silo's relay and returns the others (null when the directory could not be reached).</summary>
    private async Task<ILiveRelay[]?> JoinAsync()
    {
        await joining.WaitAsync();
        try
        {
            self ??= grains.CreateObjectReference<ILiveRelay>(this);
            var others = await grains.GetGrain<ILiveRelayDirectoryGrain>(0).JoinAsync(origin, self);
            if (others.Length != Volatile.Read(ref peers).Length)
            {
                LogPeers(log, others.Length);
            }

            Volatile.Write(ref peers, others);
            return others;
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

    private async Task TakeSnapshotAsync(ILiveRelay[] others)
    {
        foreach (var peer in others)
        {
            try
            {
                var snapshot = await peer.SnapshotAsync().WaitAsync(TimeSpan.FromSeconds(10));
                Show(snapshot, all: true);
                LogSnapshot(log, snapshot.Workers.Length, snapshot.Cases.Length, snapshot.Warnings.Length, snapshot.Counters.Length);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogSnapshotFailed(log, e);
            }
        }
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
