using Command.Grains.Users;

namespace Command.Grains.Orders;

/// <summary>What each viewer reads of an order: the issuer's side every receiver's line, a receiver only its own.</summary>
public static class OrderViews
{
    /// <summary>
    /// A receiver's own line, counted as one: neither the counts nor the 下达 step (whose note names every receiver) tell it
    /// who else got the order or how they answered.
    /// </summary>
    public static OrderView ForReceiver(OrderView order, string key)
    {
        ArgumentNullException.ThrowIfNull(order);
        List<OrderTargetView> own = [.. order.Targets.Where(t => t.Key == key)];
        return order with
        {
            Total = own.Count,
            Signed = own.Count(t => t.Status != OrderTargetStatus.Pending),
            Reported = own.Count(t => t.Status == OrderTargetStatus.Reported),
            Warnings = own.Count(t => t.Unsigned) + own.Count(t => t.Unreported),
            Targets = own,
            History = [.. order.History
                .Where(e => e.Target is null || e.Target == key)
                .Select(e => e.Action == OrderAction.Issue && e.Target is null ? e with { Note = order.Text } : e)],
        };
    }

    /// <summary>The order as <paramref name="viewer"/> reads it (they may see it: <see cref="OrderAccess.CanSee"/>).</summary>
    public static OrderView For(OrderView order, UserProfile viewer)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(viewer);
        return IsIssuerSide(order, viewer) || OrderAccess.KeyOf(viewer) is not { } key ? order : ForReceiver(order, key);
    }

    /// <summary>
    /// Whether <paramref name="viewer"/> reads the order as its issuer does (every receiver's line): the issuing unit, and the
    /// county's leaders and duty officers over it.
    /// </summary>
    public static bool IsIssuerSide(OrderView order, UserProfile viewer)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(viewer);
        return (OrderAccess.MayIssue(viewer.Role) && viewer.UnitId == order.IssuerUnit)
            || (viewer.Role is UserRole.Leader or UserRole.DutyOfficer && Regions.RegionCode.IsWithin(order.RegionCode, viewer.Scope));
    }
}
