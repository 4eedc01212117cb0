using Orleans;
using Orleans.Concurrency;
using Command.Grains.Regions;

namespace Command.Grains.Dispatch;

/// <summary>
/// Who handles a case: a unit (its id) or a grid worker ("worker-{id}"), its display name and the level it sits at.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Assignee(string Id, string Name, RegionLevel Level)
{
    public const string WorkerPrefix = "worker-";

    public static string WorkerKey(long workerId) => WorkerPrefix + workerId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool IsWorker => Id.StartsWith(WorkerPrefix, StringComparison.Ordinal);
}

/// <summary>
/// What auto-dispatch decided for a new case: the rule that matched (recorded in the history), the unit to send it
/// to, the center that dispatches it (and later verifies the result) and the units that get a copy (抄送).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DispatchPlan(long RuleId, string RuleName, Assignee To, string DispatchedBy, IReadOnlyList<Assignee> Copies);
