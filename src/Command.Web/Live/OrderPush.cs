using Command.Grains.Live;
using Command.Grains.Orders;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace Command.Web.Live;

/// <summary>
/// Pushes a changed order at once (orders come at the pace of people, nothing to batch) to the inbox hub's group of each of
/// its receivers (consoles and phones: <c>order</c>, with only their own line) and of its issuer's unit (every line), and to
/// the console pages of this server that listen. The order's grain tells the silo it runs on; that silo pushes to its own
/// connections and pages and relays the order over the <see cref="SiloMesh"/> to the other silos, whose push does the same for
/// theirs (and relays nothing). The inbox hub itself stays per silo: the case inbox is already sent from every silo.
/// </summary>
internal sealed partial class OrderPush(IHubContext<InboxHub, IInboxClient> hub, SiloMesh mesh, ILogger<OrderPush> log) : IOrderFeed, IMeshHandler
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, List<Action<OrderView>>> listeners = new(StringComparer.Ordinal);

    public string Channel => "orders";

    public void OrderChanged(OrderView order)
    {
        ArgumentNullException.ThrowIfNull(order);
        Push(order);
        mesh.Publish(Channel, order);
    }

    /// <summary>An order changed on another silo: to this silo's connections and pages only.</summary>
    public Task ReceiveAsync(object payload)
    {
        if (payload is OrderView order)
        {
            Push(order);
        }

        return Task.CompletedTask;
    }

    private void Push(OrderView order)
    {
        Send(order.IssuerUnit, order);
        foreach (var target in order.Targets)
        {
            if (target.Key != order.IssuerUnit)
            {
                Send(target.Key, OrderViews.ForReceiver(order, target.Key));
            }
        }
    }

    /// <summary>A console page listens to the orders of a key (its unit, or worker-{id}); dispose to stop.</summary>
    public IDisposable Listen(string key, Action<OrderView> listener)
    {
        lock (gate)
        {
            if (!listeners.TryGetValue(key, out var list))
            {
                listeners[key] = list = [];
            }

            list.Add(listener);
        }

        return new Subscription(this, key, listener);
    }

    private void Send(string key, OrderView view)
    {
        _ = SendAsync(key, view);
        Action<OrderView>[] locals;
        lock (gate)
        {
            locals = listeners.TryGetValue(key, out var list) ? [.. list] : [];
        }

        foreach (var listener in locals)
        {
            try
            {
                listener(view);
            }
            catch (Exception e)
            {
                LogPushFailed(log, e, view.Id);
            }
        }
    }

    private async Task SendAsync(string key, OrderView view)
    {
        try
        {
            await hub.Clients.Group(InboxRouter.GroupOf(key)).Order(view);
        }
        catch (Exception e)
        {
            LogPushFailed(log, e, view.Id);
        }
    }

    [LoggerMessage(EventId = 535, Level = LogLevel.Warning, Message = "Pushing order {OrderId} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string orderId);

    private sealed class Subscription(OrderPush push, string key, Action<OrderView> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (push.gate)
            {
                if (push.listeners.TryGetValue(key, out var list) && list.Remove(listener) && list.Count == 0)
                {
                    push.listeners.Remove(key);
                }
            }
        }
    }
}
