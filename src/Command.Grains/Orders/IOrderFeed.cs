namespace Command.Grains.Orders;

/// <summary>
/// Where an order grain tells its receivers and its issuer what changed, after the change is durable. The web layer pushes
/// it to the consoles, phones and screens watching those keys; grains never name SignalR. Must not block.
/// </summary>
public interface IOrderFeed
{
    void OrderChanged(OrderView order);
}

/// <summary>The feed when nothing is attached (grain tests, tools).</summary>
internal sealed class NoOrderFeed : IOrderFeed
{
    public void OrderChanged(OrderView order)
    {
    }
}
