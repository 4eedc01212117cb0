using System.Globalization;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Units;
using Command.Grains.Users;

namespace Command.Grains.Orders;

/// <summary>
/// Who may issue an order to whom, and who sees one. The county's leaders and duty officers reach every township center,
/// village, department and grid worker of their scope; a township center reaches only its own villages and grid workers.
/// A receiver is a unit id or worker-{id}: the key its console or phone watches.
/// </summary>
public static class OrderAccess
{
    public static bool MayIssue(UserRole role) => role is UserRole.Leader or UserRole.DutyOfficer or UserRole.TownshipCenter;

    /// <summary>The key a user receives orders under: worker-{id} for a grid worker, the unit id for everyone else with a desk.</summary>
    public static string? KeyOf(UserProfile user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Role switch
        {
            UserRole.Admin => null,
            UserRole.GridWorker => user.WorkerId is { } worker ? Assignee.WorkerKey(worker) : null,
            _ => user.UnitId.Length == 0 ? null : user.UnitId,
        };
    }

    /// <summary>The receiver <paramref name="key"/> names when <paramref name="issuer"/> may reach it; null otherwise (missing and out of reach alike).</summary>
    public static OrderTargetRef? Reach(UserProfile issuer, string key, RegionDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(directory);
        if (!MayIssue(issuer.Role) || string.IsNullOrEmpty(key))
        {
            return null;
        }

        var township = issuer.Role == UserRole.TownshipCenter;
        if (key.StartsWith(Assignee.WorkerPrefix, StringComparison.Ordinal))
        {
            return long.TryParse(key.AsSpan(Assignee.WorkerPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && directory.FindWorker(id) is { } worker && RegionCode.IsWithin(worker.GridCode, issuer.Scope)
                    ? new OrderTargetRef(Assignee.WorkerKey(id), $"{worker.Name}（{worker.KindName}）", worker.GridCode)
                    : null;
        }

        if (directory.FindUnit(key) is not { } unit || !RegionCode.IsWithin(unit.RegionCode, issuer.Scope) || unit.Id == issuer.UnitId)
        {
            return null;
        }

        // A township center reaches its villages; the county also its township centers and departments (not its own center).
        var reachable = township
            ? unit.Kind == UnitKind.Village
            : unit.Kind is UnitKind.Village or UnitKind.Department || (unit.Kind == UnitKind.Center && RegionCode.LevelOf(unit.RegionCode) == RegionLevel.Township);
        return reachable ? new OrderTargetRef(unit.Id, unit.Name, unit.RegionCode) : null;
    }

    /// <summary>
    /// Everything <paramref name="issuer"/> may send an order to, centers first, then villages, departments and workers (by grid,
    /// part-time ones too, each named with its kind: 专职网格员 or 兼职网格员).
    /// </summary>
    public static IReadOnlyList<OrderTargetRef> Reachable(UserProfile issuer, RegionDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(directory);
        if (!MayIssue(issuer.Role))
        {
            return [];
        }

        var units = directory.Units
            .Where(u => RegionCode.IsWithin(u.RegionCode, issuer.Scope))
            .Select(u => Reach(issuer, u.Id, directory))
            .OfType<OrderTargetRef>()
            .OrderBy(t => UnitPlan.IsCenter(t.Key) ? 0 : UnitPlan.IsDepartment(t.Key) ? 2 : 1)
            .ThenBy(t => t.RegionCode, StringComparer.Ordinal);
        var workers = directory.WorkersWithin(issuer.Scope)
            .Select(w => new OrderTargetRef(Assignee.WorkerKey(w.Id), $"{w.Name}（{w.KindName}）", w.GridCode));
        return [.. units, .. workers];
    }

    /// <summary>The issuer's unit, a receiver, or a county leader or duty officer whose scope holds the issuer's region.</summary>
    public static bool CanSee(UserProfile viewer, OrderState order)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(order);
        if (viewer.Role == UserRole.Admin)
        {
            return false;
        }

        return (MayIssue(viewer.Role) && viewer.UnitId == order.IssuerUnit)
            || (KeyOf(viewer) is { } key && order.Targets.Any(t => t.Key == key))
            || (viewer.Role is UserRole.Leader or UserRole.DutyOfficer && RegionCode.IsWithin(order.RegionCode, viewer.Scope));
    }
}
