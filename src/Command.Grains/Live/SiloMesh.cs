using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Command.Grains.Live;

/// <summary>
/// Carries messages that must reach every silo's connections (the video hub's sends, changed orders) to the other silos, the way
/// <see cref="ClusterFeed"/> carries the screens' changes: one grain observer per silo, found through
/// <see cref="ISiloDirectoryGrain{TPeer}"/>, renewed every <see cref="RenewEvery"/> and taken off at stop. Each peer has its own
/// queue, sent as soon as something is in it: one batch in flight per peer, so batches arrive in the order they were
/// published and what piles up while one is in flight goes as the next batch (or batches: each carries at most
/// <see cref="MaxBatchBytes"/>). Alone, <see cref="Publish"/> costs one volatile read.
/// </summary>
public sealed partial class SiloMesh(IGrainFactory grains, IServiceProvider services, ILogger<SiloMesh> log)
    : IMeshPeer, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public static readonly TimeSpan RenewEvery = SiloDirectoryGrain<IMeshPeer>.RenewEvery;

    /// <summary>How long a peer may take to take a batch: then the call is cancelled (a batch it has not begun is never handed
    /// on) and the next one goes.</summary>
    public static readonly TimeSpan DeliverWithin = TimeSpan.FromSeconds(10);

    /// <summary>Messages waiting for a peer that does not answer; beyond this the oldest are dropped.</summary>
    public const int MaxQueued = 10_000;

    /// <summary>What may wait for one peer, by size (a signal may carry 64 KB); beyond this the oldest are dropped.</summary>
    public const long MaxQueuedBytes = 16 * 1024 * 1024;

    /// <summary>What one batch carries at most, well under Orleans' largest message (a single larger message goes alone).</summary>
    public const long MaxBatchBytes = 1024 * 1024;

    /// <summary>The size assumed for a payload whose size is not known (an order is a few hundred bytes).</summary>
    private const int UnknownPayloadBytes = 4 * 1024;

    private readonly string origin = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim joining = new(1, 1);
    private readonly Dictionary<string, Peer> known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> lastSequence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> retiring = new(StringComparer.Ordinal);
    private Dictionary<string, IMeshHandler> handlers = new(StringComparer.Ordinal);
    private Peer[] peers = [];
    private IMeshPeer? self;
    private Task renewing = Task.CompletedTask;

    /// <summary>The other silos as of the last renewal.</summary>
    public int PeerCount => Volatile.Read(ref peers).Length;

    /// <summary>Whether anything published now would go anywhere (callers skip preparing a message when not).</summary>
    public bool HasPeers => Volatile.Read(ref peers).Length > 0;

    /// <summary>
    /// Queues <paramref name="payload"/> for the <paramref name="channel"/> handler of every other silo. Never blocks and never
    /// throws: it may be called inside a grain turn. Nothing is sent back to this silo.
    /// </summary>
    public void Publish(string channel, object payload)
    {
        var current = Volatile.Read(ref peers);
        if (current.Length == 0)
        {
            return;
        }

        var message = new MeshMessage(channel, payload);
        var size = SizeOf(message);
        foreach (var peer in current)
        {
            if (peer.Enqueue(message, size, PumpAsync))
            {
                // The first message dropped since the peer last took a batch: once per run of drops, not per message.
                LogDropped(log, peer.Origin);
            }
        }
    }

    /// <summary>About what <paramref name="message"/> weighs on the wire: exact enough to bound queues and batches.</summary>
    private static long SizeOf(MeshMessage message) => 64 + message.Channel.Length * 2 + message.Payload switch
    {
        MeshHubSend send => send.Arguments.Length + send.Method.Length * 2
            + send.Names.Sum(n => 8L + n.Length * 2) + send.Excluded.Sum(n => 8L + n.Length * 2),
        byte[] bytes => bytes.Length,
        string text => text.Length * 2,
        _ => UnknownPayloadBytes,
    };

    /// <summary>
    /// A peer's batch: handed to this silo's handlers in order, never published again. Answers once the writes have started,
    /// without waiting for them: Orleans runs this observer one call at a time, so one connection that stopped draining would
    /// otherwise hold up every relayed message into this silo. Order per connection holds all the same: each SignalR write
    /// takes its connection's write lock at once or queues for it (<c>HubConnectionContext.WriteAsync</c>: <c>Wait(0)</c>,
    /// else <c>WaitAsync</c>, whose waiters SemaphoreSlim lets in first come first served), in the order started here.
    /// </summary>
    public Task DeliverAsync(MeshBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (cancellationToken.IsCancellationRequested)
        {
            // The sender gave up on this batch and has sent the next: handing it on now would put it after that one.
            LogTooLate(log, batch.Origin, batch.Sequence);
            return Task.CompletedTask;
        }

        lock (lastSequence)
        {
            if (lastSequence.TryGetValue(batch.Origin, out var last) && batch.Sequence != last + 1)
            {
                // A batch timed out on the sender's side and came late, or never came.
                LogOutOfOrder(log, batch.Origin, last, batch.Sequence);
            }

            lastSequence[batch.Origin] = Math.Max(last, batch.Sequence);
        }

        // Started in order (each send takes its connection's write lock in that order); not awaited.
        var current = Volatile.Read(ref handlers);
        foreach (var message in batch.Messages)
        {
            if (!current.TryGetValue(message.Channel, out var handler))
            {
                continue;
            }

            try
            {
                var send = handler.ReceiveAsync(message.Payload);
                if (!send.IsCompletedSuccessfully)
                {
                    _ = send.ContinueWith(
                        static (failed, state) =>
                        {
                            var (logger, channel) = ((ILogger, string))state!;
                            LogReceiveFailed(logger, failed.Exception!, channel);
                        },
                        (log, message.Channel),
                        CancellationToken.None,
                        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogReceiveFailed(log, e, message.Channel);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Joins from the moment the silo is active until its grains have deactivated at shutdown (their last messages still go
    /// out). The handlers are looked up first, so nothing a peer sends after the join finds none.
    /// </summary>
    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(SiloMesh), ServiceLifecycleStage.Active, StartAsync, _ => Task.CompletedTask);
        lifecycle.Subscribe(nameof(SiloMesh), ServiceLifecycleStage.RuntimeGrainServices, _ => Task.CompletedTask, StopAsync);
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, IMeshHandler>(StringComparer.Ordinal);
        foreach (var handler in services.GetServices<IMeshHandler>())
        {
            found[handler.Channel] = handler;
        }

        Volatile.Write(ref handlers, found);
        await JoinAsync();
        foreach (var peer in Volatile.Read(ref peers))
        {
            try
            {
                _ = peer.Reference.JoinedAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogSendFailed(log, e, peer.Origin, 0);
            }
        }

        renewing = RenewLoopAsync(stopping.Token);
    }

    /// <summary>Another silo has just joined (it knows this one already): learns it now, so that sends reach it at once.</summary>
    public Task JoinedAsync()
    {
        if (!stopping.IsCancellationRequested)
        {
            // JoinAsync never throws, not even when the silo has stopped (and this mesh is disposed) before it runs.
            _ = Task.Run(JoinAsync);
        }

        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await renewing.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await grains.GetGrain<ISiloDirectoryGrain<IMeshPeer>>(0).LeaveAsync(origin).WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The directory drops a peer that stops renewing; leaving only makes that immediate.
            LogLeaveFailed(log, e);
        }
    }

    public void Dispose()
    {
        stopping.Dispose();
        joining.Dispose();
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewEvery, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await JoinAsync();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Registers this silo's peer and learns the others. A peer stays one until it has gone unlisted for the directory's expiry,
    /// so a directory that restarted empty (its silo died) does not make this silo drop messages meant for the others.
    /// </summary>
    private async Task JoinAsync()
    {
        try
        {
            await joining.WaitAsync();
        }
        catch (ObjectDisposedException)
        {
            // A JoinedAsync that came as the silo stopped: nothing to join any more.
            return;
        }

        try
        {
            self ??= grains.CreateObjectReference<IMeshPeer>(this);
            var listed = await grains.GetGrain<ISiloDirectoryGrain<IMeshPeer>>(0).JoinAsync(origin, self).WaitAsync(RenewEvery);
            var now = Environment.TickCount64;
            foreach (var member in listed)
            {
                if (!known.TryGetValue(member.Origin, out var peer))
                {
                    // A peer dropped and listed again: its new queue goes only after the old one's last batch has ended.
                    Task? after;
                    lock (retiring)
                    {
                        after = retiring.GetValueOrDefault(member.Origin);
                    }

                    known[member.Origin] = peer = new Peer(member.Origin, member.Peer, after);
                }

                peer.ListedAt = now;
            }

            foreach (var gone in known.Values.Where(p => now - p.ListedAt > SiloDirectoryGrain<IMeshPeer>.Expiry.TotalMilliseconds).ToList())
            {
                known.Remove(gone.Origin);
                Retire(gone);
            }

            lock (lastSequence)
            {
                foreach (var stale in lastSequence.Keys.Where(o => !known.ContainsKey(o)).ToList())
                {
                    lastSequence.Remove(stale);
                }
            }

            var current = known.Values.ToArray();
            if (current.Length != Volatile.Read(ref peers).Length)
            {
                LogPeers(log, current.Length);
            }

            Volatile.Write(ref peers, current);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!IsStopping())
            {
                LogRenewFailed(log, e);
            }
        }
        finally
        {
            try
            {
                joining.Release();
            }
            catch (ObjectDisposedException)
            {
                // Disposed while this renewal ran: the silo has stopped.
            }
        }
    }

    private bool IsStopping()
    {
        try
        {
            return stopping.IsCancellationRequested;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>A peer no longer listed: its queue is dropped, and its pump ends after the batch it may have in flight.</summary>
    private void Retire(Peer peer)
    {
        var pump = peer.Retire();
        if (pump.IsCompleted)
        {
            return;
        }

        lock (retiring)
        {
            retiring[peer.Origin] = pump;
        }

        _ = pump.ContinueWith(
            _ =>
            {
                lock (retiring)
                {
                    if (retiring.TryGetValue(peer.Origin, out var current) && current == pump)
                    {
                        retiring.Remove(peer.Origin);
                    }
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Sends what the peer's queue holds, one batch at a time, until it is empty.</summary>
    private async Task PumpAsync(Peer peer)
    {
        if (peer.After is { } previous)
        {
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        while (peer.Take() is { } messages)
        {
            try
            {
                // Cancelled after DeliverWithin: Orleans ends the call here and cancels it at the peer, which hands on nothing
                // of a batch it had not begun. The WaitAsync is only a backstop should the cancellation itself not get through.
                using var timeout = new CancellationTokenSource(DeliverWithin);
                await peer.Reference.DeliverAsync(new MeshBatch(origin, peer.NextSequence(), messages), timeout.Token)
                    .WaitAsync(DeliverWithin * 2);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A peer that died is dropped by the directory; its connections reconnect elsewhere.
                LogSendFailed(log, e, peer.Origin, messages.Length);
            }
        }
    }

    [LoggerMessage(EventId = 521, Level = LogLevel.Information, Message = "Hub sends and orders are relayed to {Peers} other silo(s)")]
    private static partial void LogPeers(ILogger logger, int peers);

    [LoggerMessage(EventId = 522, Level = LogLevel.Warning, Message = "Could not renew this silo's mesh peer; the next try is in a few seconds")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 523, Level = LogLevel.Warning, Message = "Relaying {Count} message(s) to silo {Peer} failed")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string peer, int count);

    [LoggerMessage(EventId = 524, Level = LogLevel.Warning, Message = "Handing a peer's {Channel} message to this silo failed")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 525, Level = LogLevel.Warning, Message = "Mesh batch {Sequence} from {Origin} came after {Last}")]
    private static partial void LogOutOfOrder(ILogger logger, string origin, long last, long sequence);

    [LoggerMessage(EventId = 526, Level = LogLevel.Warning, Message = "Silo {Peer} takes no messages: the oldest queued for it are being dropped")]
    private static partial void LogDropped(ILogger logger, string peer);

    [LoggerMessage(EventId = 527, Level = LogLevel.Debug, Message = "Could not take this silo's mesh peer off the directory")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 529, Level = LogLevel.Warning, Message = "Mesh batch {Sequence} from {Origin} came after its sender gave up on it; dropped")]
    private static partial void LogTooLate(ILogger logger, string origin, long sequence);

    /// <summary>Another silo: its observer, and what waits to be sent to it.</summary>
    private sealed class Peer(string origin, IMeshPeer reference, Task? after)
    {
        private readonly Lock gate = new();
        private readonly Queue<(MeshMessage Message, long Size)> queue = new();
        private long queuedBytes;
        private bool dropping;
        private bool retired;
        private bool sending;
        private Task pumping = Task.CompletedTask;
        private long sequence;

        public string Origin { get; } = origin;

        public IMeshPeer Reference { get; } = reference;

        /// <summary>The pump of the peer this one replaces (the same silo, dropped and listed again), or null.</summary>
        public Task? After { get; } = after;

        /// <summary>When the directory last listed it (only touched under the mesh's join lock).</summary>
        public long ListedAt { get; set; }

        /// <summary>
        /// Queues a message (dropping the oldest beyond <see cref="MaxQueued"/> or <see cref="MaxQueuedBytes"/>) and starts
        /// <paramref name="pump"/> on the thread pool, off the caller's grain turn or hub call, when none runs. True when this
        /// began a run of drops (nothing dropped since the peer last took a batch).
        /// </summary>
        public bool Enqueue(MeshMessage message, long size, Func<Peer, Task> pump)
        {
            lock (gate)
            {
                if (retired)
                {
                    return false;
                }

                var dropped = false;
                while (queue.Count > 0 && (queue.Count >= MaxQueued || queuedBytes + size > MaxQueuedBytes))
                {
                    queuedBytes -= queue.Dequeue().Size;
                    dropped = true;
                }

                queue.Enqueue((message, size));
                queuedBytes += size;
                if (!sending)
                {
                    sending = true;
                    pumping = Task.Run(() => pump(this));
                }

                var began = dropped && !dropping;
                dropping |= dropped;
                return began;
            }
        }

        /// <summary>The oldest messages up to <see cref="MaxBatchBytes"/> (at least one), or null (and the pump ends) when none.</summary>
        public MeshMessage[]? Take()
        {
            lock (gate)
            {
                if (queue.Count == 0 || retired)
                {
                    sending = false;
                    return null;
                }

                dropping = false;
                var batch = new List<MeshMessage>();
                long bytes = 0;
                while (queue.TryPeek(out var next) && (batch.Count == 0 || bytes + next.Size <= MaxBatchBytes))
                {
                    queue.Dequeue();
                    queuedBytes -= next.Size;
                    bytes += next.Size;
                    batch.Add(next.Message);
                }

                return [.. batch];
            }
        }

        /// <summary>Drops what waits and takes nothing more; the pump, which ends after its batch in flight.</summary>
        public Task Retire()
        {
            lock (gate)
            {
                retired = true;
                queue.Clear();
                queuedBytes = 0;
                return pumping;
            }
        }

        /// <summary>Only the pump calls it, one batch at a time.</summary>
        public long NextSequence() => ++sequence;
    }
}

public static class SiloMeshServices
{
    /// <summary>
    /// The silo mesh, once however many features ask for it. Each feature registers its <see cref="IMeshHandler"/> singletons;
    /// the mesh finds them when the silo starts.
    /// </summary>
    public static IServiceCollection AddSiloMesh(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(SiloMesh)))
        {
            return services;
        }

        services.AddSingleton<SiloMesh>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloMesh>());
        return services;
    }
}
