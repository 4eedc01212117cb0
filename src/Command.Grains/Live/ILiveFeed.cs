using Command.Grains.Regions;

namespace Command.Grains.Live;

/// <summary>
/// Where grains tell the screens what changed: the device grain → batching notifier → hub shape of the Orleans GPS tracker
/// sample. The web layer implements it with one bridge into SignalR; grains never name SignalR. Calls are made inside
/// grain turns, so they must be cheap and never block on I/O; a grain calls them only after its change is durable.
/// </summary>
public interface ILiveFeed
{
    /// <summary>A worker moved or changed status (the hot path: a struct, no allocation).</summary>
    void WorkerChanged(in WorkerMark mark);

    /// <summary>A case changed; <see cref="CaseCard.Open"/> false takes it off the screens.</summary>
    void CaseChanged(CaseCard card);

    /// <summary>A warning was raised, changed or cleared (<see cref="WarningCard.Active"/> false).</summary>
    void WarningChanged(WarningCard card);

    /// <summary>Someone acknowledged a warning.</summary>
    void WarningAcknowledged(string warningId, string by);

    /// <summary>A region's live counters changed.</summary>
    void CountersChanged(string regionCode, in RegionCounters counters);

    /// <summary>What the database holds at start, for screens that connect before the grains have said anything.</summary>
    void Seed(IReadOnlyList<CaseCard> openCases, IReadOnlyList<WarningCard> activeWarnings);
}

/// <summary>The feed when no screen is attached (grain tests, tools).</summary>
internal sealed class NoLiveFeed : ILiveFeed
{
    public void WorkerChanged(in WorkerMark mark)
    {
    }

    public void CaseChanged(CaseCard card)
    {
    }

    public void WarningChanged(WarningCard card)
    {
    }

    public void WarningAcknowledged(string warningId, string by)
    {
    }

    public void CountersChanged(string regionCode, in RegionCounters counters)
    {
    }

    public void Seed(IReadOnlyList<CaseCard> openCases, IReadOnlyList<WarningCard> activeWarnings)
    {
    }
}

/// <summary>
/// A strictly increasing version for what one grain publishes: milliseconds (of a fix or of the clock), bumped when two
/// changes fall in the same millisecond. A new activation's first publish must use the clock, which is past anything the
/// previous activation published.
/// </summary>
public struct LiveVersion
{
    private long last;

    public long Next(long candidateMs) => last = Math.Max(last + 1, candidateMs);
}
