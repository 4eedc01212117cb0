using Command.Grains.Users;

namespace Command.Grains.Orders;

/// <summary>What each viewer reads of an order: the issuer's side every receiver's line, a receiver only its own.</summary>
public static class OrderViews
{
    public static OrderView ForReceiver(OrderView order, string key)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order with
        {
            Targets = [.. order.Targets.Where(t => t.Key == key)],
            History = [.. order.History.Where(e => e.Target is null || e.Target == key)],
        };
    }

    /// <summary>The order as <paramref name="viewer"/> reads it (they may see it: <see cref="OrderAccess.CanSee"/>).</summary>
    public static OrderView For(OrderView order, UserProfile viewer)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(viewer);
        var issuerSide = (OrderAccess.MayIssue(viewer.Role) && viewer.UnitId == order.IssuerUnit)
            || (viewer.Role is UserRole.Leader or UserRole.DutyOfficer && Regions.RegionCode.IsWithin(order.RegionCode, viewer.Scope));
        return issuerSide || OrderAccess.KeyOf(viewer) is not { } key ? order : ForReceiver(order, key);
    }
}
