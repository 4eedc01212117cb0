using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Grains.Workers;

/// <summary>A grid worker: profile, status, last position and today's patrol. Keyed by the worker's id.</summary>
public interface IWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>New durable fixes, in time order (from the position log).</summary>
    [OneWay]
    Task ReportPositionsAsync([Immutable] PositionFix[] fixes);

    /// <summary>A case in the worker's hands started (signed for) or stopped being handled by them.</summary>
    [OneWay]
    Task HandlingChangedAsync(string caseCode, bool handling);

    [ReadOnly]
    Task<WorkerSnapshot> GetAsync();
}

/// <summary>What a worker looks like now.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerSnapshot(long Id, WorkerStatus Status, PositionFix? LastPosition, PatrolDay Today);
