using System.Globalization;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Units;

namespace Command.Grains.Cases;

/// <summary>Units and grid workers as handlers of a case: who they are, where they sit, which area they serve.</summary>
public sealed class CaseUnits(RegionDirectory directory)
{
    public RegionDirectory Directory => directory;

    /// <summary>A unit id or "worker-{id}" as an assignee; null when nothing has that id.</summary>
    public Assignee? Describe(string? id) => string.IsNullOrEmpty(id) ? null : DispatchTargets.Describe(id, directory);

    /// <summary>The region an assignee belongs to: a worker's grid, a unit's region.</summary>
    public string? RegionOf(string id)
    {
        if (id.StartsWith(Assignee.WorkerPrefix, StringComparison.Ordinal))
        {
            return long.TryParse(id.AsSpan(Assignee.WorkerPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var workerId)
                ? directory.FindWorker(workerId)?.GridCode
                : null;
        }

        return directory.FindUnit(id)?.RegionCode;
    }

    /// <summary>
    /// Whether the assignee may handle a case at this location: a unit whose region contains it (the county's
    /// departments, the case's township and village), or a grid worker of the case's village.
    /// </summary>
    public bool Serves(string id, CaseLocation location)
    {
        if (RegionOf(id) is not { } region)
        {
            return false;
        }

        if (id.StartsWith(Assignee.WorkerPrefix, StringComparison.Ordinal))
        {
            return location.VillageCode is { } village && RegionCode.IsWithin(region, village);
        }

        return RegionCode.IsWithin(location.RegionCode, region);
    }

    public string NameOf(string id) => Describe(id)?.Name ?? id;

    /// <summary>The center that dispatches to (and verifies) an assignee (<see cref="DispatchTargets.DispatcherOf"/>).</summary>
    public string DispatcherOf(Assignee assignee) => DispatchTargets.DispatcherOf(assignee, directory);

    /// <summary>Who a case goes to when it is escalated to <paramref name="level"/>: the village's unit or a center.</summary>
    public Assignee? HandlerAt(RegionLevel level, CaseLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return level switch
        {
            RegionLevel.Village when location.VillageCode is { } village => Describe(UnitPlan.VillageId(village)),
            RegionLevel.Village or RegionLevel.Township when location.TownshipCode is { } township => Describe(UnitPlan.CenterId(township)),
            _ => Describe(UnitPlan.CenterId(location.CountyCode)),
        };
    }
}
