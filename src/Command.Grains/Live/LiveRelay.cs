using Command.Grains.Regions;
using Orleans;
using Orleans.Concurrency;

namespace Command.Grains.Live;

/// <summary>
/// One silo's screens as the other silos reach them (a grain observer per silo, the GPS tracker sample's hub list). A grain
/// publishes on the silo it is active on; the <see cref="ClusterFeed"/> there shows the change on its own screens and relays
/// it, batched, to every other silo's relay.
/// </summary>
public interface ILiveRelay : IGrainObserver
{
    /// <summary>Changes published on another silo, in the order that silo sent them.</summary>
    [OneWay]
    Task ApplyAsync(LiveChanges changes);

    /// <summary>Everything this silo's screens draw now, for a silo that has just joined.</summary>
    Task<LiveChanges> SnapshotAsync();
}

/// <summary>
/// Changes relayed between silos. <see cref="Sequence"/> counts the batches of one <see cref="Origin"/> (a silo process), so a
/// batch overtaken by a later one is noticed: its workers and cases still apply (they carry versions), its unversioned
/// warnings, acknowledgements and counters do not.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LiveChanges(
    string Origin,
    long Sequence,
    WorkerMark[] Workers,
    CaseCard[] Cases,
    WarningCard[] Warnings,
    WarningAcknowledgement[] Acknowledgements,
    RegionCountersChange[] Counters)
{
    public bool IsEmpty => Workers.Length + Cases.Length + Warnings.Length + Acknowledgements.Length + Counters.Length == 0;
}

[GenerateSerializer, Immutable]
public readonly record struct WarningAcknowledgement(string WarningId, string By);

[GenerateSerializer, Immutable]
public readonly record struct RegionCountersChange(string RegionCode, RegionCounters Counters);

/// <summary>The silo's own screens: the feed it shows changes on, and what they draw now.</summary>
public interface ILocalLiveBoard : ILiveFeed
{
    /// <summary>What the screens draw now, as changes (origin and sequence left empty).</summary>
    LiveChanges Export();

    /// <summary>
    /// Adds a peer's snapshot: newer workers and cases (they carry versions), and warnings and counters not known here yet
    /// (what is known here may be newer than the snapshot).
    /// </summary>
    void Merge(LiveChanges snapshot);
}
