using Orleans;
using Orleans.Concurrency;

namespace Command.Grains.Live;

/// <summary>
/// One silo's end of the silo mesh as the other silos reach it (a grain observer per silo, like <see cref="ILiveRelay"/>).
/// Carries what must reach connections or pages of every silo, not only of the silo where it happened: the video hub's sends
/// and changed orders. Unlike the live feed nothing is coalesced: every message counts, in the order it was published.
/// </summary>
public interface IMeshPeer : IGrainObserver
{
    /// <summary>
    /// Messages published on another silo, in order. Answered once their writes to this silo's connections have started (not
    /// finished: one connection that stopped draining must not hold up the others), so the sender sends its next batch only
    /// then and batches never overtake each other. The sender cancels a call not answered in time: a batch still queued then
    /// is not handed on at all, rather than after the next one.
    /// </summary>
    Task DeliverAsync(MeshBatch batch, CancellationToken cancellationToken);

    /// <summary>A silo has just joined: renew now to learn it, rather than at the next renewal.</summary>
    [OneWay]
    Task JoinedAsync();
}

/// <summary>One silo's messages to another. <see cref="Sequence"/> counts the batches that <see cref="Origin"/> sent this peer.</summary>
[GenerateSerializer, Immutable]
public sealed record MeshBatch(string Origin, long Sequence, MeshMessage[] Messages);

/// <summary>A message for the handler of <see cref="Channel"/> on each other silo; <see cref="Payload"/> is any serialisable value.</summary>
[GenerateSerializer, Immutable]
public sealed record MeshMessage(string Channel, object Payload);

/// <summary>What receives a channel's messages from the other silos (registered as a singleton; never publishes them again).</summary>
public interface IMeshHandler
{
    /// <summary>The same on every silo, e.g. <c>orders</c>.</summary>
    string Channel { get; }

    /// <summary>Hands a peer's message to this silo's own connections or pages.</summary>
    Task ReceiveAsync(object payload);
}

/// <summary>
/// A SignalR send made on one silo, for the same hub on the others (the hub-agnostic part of a cluster-wide hub lifetime
/// manager): whom it is for, the client method, and its arguments as the hub protocol's JSON array.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MeshHubSend(MeshHubTarget Target, string[] Names, string[] Excluded, string Method, byte[] Arguments);

/// <summary>Whom a relayed hub send is for: what <see cref="MeshHubSend.Names"/> hold.</summary>
[GenerateSerializer]
public enum MeshHubTarget
{
    /// <summary>Every connection except <see cref="MeshHubSend.Excluded"/>.</summary>
    All,

    /// <summary>The connections named (by connection id).</summary>
    Connections,

    /// <summary>The members of the groups named, except <see cref="MeshHubSend.Excluded"/>.</summary>
    Groups,

    /// <summary>The connections of the users named.</summary>
    Users,
}
