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

    /// <summary>一键报警: raises (or, while one is active, renews with the new place) a red SOS warning; answers its id.</summary>
    Task<string> RaiseSosAsync(SosCall call);

    /// <summary>The worker called the SOS off; false when none was active.</summary>
    Task<bool> CancelSosAsync(string by);

    /// <summary>
    /// 解除: someone on duty who dealt with the SOS closes it (who, when and what was done go to the audit log); false
    /// when <paramref name="warningId"/> is not this worker's active SOS.
    /// </summary>
    Task<bool> CloseSosAsync(string warningId, string by, string note);

    /// <summary>The active SOS warning's id, if any.</summary>
    [ReadOnly]
    Task<string?> ActiveSosAsync();
}

/// <summary>An SOS: who sent it (the worker's account, or their tracker) and where they were, if known.</summary>
[GenerateSerializer, Immutable]
public sealed record SosCall(string By, double? Lat, double? Lon);

/// <summary>What a worker looks like now.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerSnapshot(long Id, WorkerStatus Status, PositionFix? LastPosition, PatrolDay Today);
