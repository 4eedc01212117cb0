using Command.Grains.Regions;
using Command.Grains.Workers;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Grains.Grids;

/// <summary>A grid (网格): its workers and their statuses, rolled up to its village. Keyed by the 15-digit code.</summary>
public interface IGridGrain : IGrainWithStringKey
{
    [OneWay]
    Task WorkerStatusChangedAsync(long workerId, WorkerStatus status);

    /// <summary>A worker's offline warning was raised or cleared.</summary>
    [OneWay]
    Task WorkerWarningChangedAsync(long workerId, bool warned);

    /// <summary>A case in this grid changed what it counts for.</summary>
    [OneWay]
    Task CaseChangedAsync(string caseCode, Cases.CaseMark mark);

    [ReadOnly]
    Task<GridSnapshot> GetAsync();
}

[GenerateSerializer, Immutable]
public sealed record GridSnapshot(string Code, RegionCounters Counters, IReadOnlyDictionary<long, WorkerStatus> Workers);
