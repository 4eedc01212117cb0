using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Command.Grains.Live;

/// <summary>
/// Carries messages that must reach every silo's connections (the video hub's sends, changed orders) to the other silos, the way
/// <see cref="ClusterFeed"/> carries the screens' changes: one grain observer per silo, found through
/// <see cref="IMeshDirectoryGrain"/>, renewed every <see cref="RenewEvery"/> and taken off at stop. Each peer has its own
/// queue, sent as soon as something is in it: one batch in flight per peer, so batches arrive in the order they were
/// published and what piles up while one is in flight goes as the next batch. Alone, <see cref="Publish"/> costs one
/// volatile read.
/// </summary>
public sealed partial class SiloMesh(IGrainFactory grains, IServiceProvider services, ILogger<SiloMesh> log)
    : IMeshPeer, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    /// <summary>How long a peer may take to take a batch before the next one goes anyway.</summary>
    public static readonly TimeSpan DeliverWithin = TimeSpan.FromSeconds(10);

    /// <summary>Messages waiting for a peer that does not answer; beyond this the oldest are dropped.</summary>
    public const int MaxQueued = 10_000;

    private readonly string origin = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim joining = new(1, 1);
    private readonly Dictionary<string, Peer> known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> lastSequence = new(StringComparer.Ordinal);
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
        foreach (var peer in current)
        {
            if (peer.Enqueue(message, out var dropped))
            {
                // Off the caller's context (a grain turn or a hub call): the pump runs on the thread pool.
                _ = Task.Run(() => PumpAsync(peer));
            }

            if (dropped)
            {
                LogDropped(log, peer.Origin);
            }
        }
    }

    /// <summary>A peer's batch: handed to this silo's handlers in order, never published again.</summary>
    public async Task DeliverAsync(MeshBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (lastSequence)
        {
            if (lastSequence.TryGetValue(batch.Origin, out var last) && batch.Sequence != last + 1)
            {
                // A batch timed out on the sender's side and came late, or never came.
                LogOutOfOrder(log, batch.Origin, last, batch.Sequence);
            }

            lastSequence[batch.Origin] = Math.Max(last, batch.Sequence);
        }

        // Started in order (each send takes its connection's write lock in that order), then awaited together.
        var current = Volatile.Read(ref handlers);
        var sends = new List<Task>(batch.Messages.Length);
        foreach (var message in batch.Messages)
        {
            if (!current.TryGetValue(message.Channel, out var handler))
            {
                continue;
            }

            try
            {
                sends.Add(handler.ReceiveAsync(message.Payload));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogReceiveFailed(log, e, message.Channel);
            }
        }

        try
        {
            await Task.WhenAll(sends);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReceiveFailed(log, e, "*");
        }
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
            await grains.GetGrain<IMeshDirectoryGrain>(0).LeaveAsync(origin).WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
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
        await joining.WaitAsync();
        try
        {
            self ??= grains.CreateObjectReference<IMeshPeer>(this);
            var listed = await grains.GetGrain<IMeshDirectoryGrain>(0).JoinAsync(origin, self).WaitAsync(RenewEvery);
            var now = Environment.TickCount64;
            foreach (var member in listed)
            {
                if (!known.TryGetValue(member.Origin, out var peer))
                {
                    known[member.Origin] = peer = new Peer(member.Origin, member.Peer);
                }

                peer.ListedAt = now;
            }

            foreach (var gone in known.Values.Where(p => now - p.ListedAt > MeshDirectoryGrain.Expiry.TotalMilliseconds).ToList())
            {
                known.Remove(gone.Origin);
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
            LogRenewFailed(log, e);
        }
        finally
        {
            joining.Release();
        }
    }

    /// <summary>Sends what the peer's queue holds, one batch at a time, until it is empty.</summary>
    private async Task PumpAsync(Peer peer)
    {
        while (peer.Take() is { } messages)
        {
            try
            {
                await peer.Reference.DeliverAsync(new MeshBatch(origin, peer.NextSequence(), messages)).WaitAsync(DeliverWithin);
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

    [LoggerMessage(EventId = 526, Level = LogLevel.Warning, Message = "Silo {Peer} takes no messages: the oldest queued for it was dropped")]
    private static partial void LogDropped(ILogger logger, string peer);

    [LoggerMessage(EventId = 527, Level = LogLevel.Debug, Message = "Could not take this silo's mesh peer off the directory")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception);

    /// <summary>Another silo: its observer, and what waits to be sent to it.</summary>
    private sealed class Peer(string origin, IMeshPeer reference)
    {
        private readonly Lock gate = new();
        private readonly Queue<MeshMessage> queue = new();
        private bool sending;
        private long sequence;

        public string Origin { get; } = origin;

        public IMeshPeer Reference { get; } = reference;

        /// <summary>When the directory last listed it (only touched under the mesh's join lock).</summary>
        public long ListedAt { get; set; }

        /// <summary>Queues a message; true when no pump runs for this peer and the caller must start one.</summary>
        public bool Enqueue(MeshMessage message, out bool dropped)
        {
            lock (gate)
            {
                dropped = queue.Count >= MaxQueued && queue.TryDequeue(out _);
                queue.Enqueue(message);
                if (sending)
                {
                    return false;
                }

                sending = true;
                return true;
            }
        }

        /// <summary>Everything queued, or null (and the pump ends) when nothing is.</summary>
        public MeshMessage[]? Take()
        {
            lock (gate)
            {
                if (queue.Count == 0)
                {
                    sending = false;
                    return null;
                }

                var messages = queue.ToArray();
                queue.Clear();
                return messages;
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
