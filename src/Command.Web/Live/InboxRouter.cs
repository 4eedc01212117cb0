using Command.Grains.Cases;
using Command.Grains.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Command.Web.Live;

/// <summary>
/// Routes case cards into the inboxes they enter, change in or leave. The dashboard bridge hands it every case card it
/// is given (this silo's grains and, through the cluster feed, every other silo's; positions never come here), so each
/// silo routes to its own consoles. It keeps, per case, the newest version seen and the units holding it, to tell a unit
/// that a case left it even when the card that moved it on was coalesced away; a card also names the units it left.
/// Every <see cref="FlushEvery"/> each watched unit gets one batch; sends are not awaited by the loop.
/// </summary>
internal sealed partial class InboxRouter(IHubContext<InboxHub, IInboxClient> hub, TimeProvider time, ILogger<InboxRouter> log) : BackgroundService
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(100);

    private readonly Lock gate = new();
    private readonly Dictionary<string, (long V, string[] Units)> known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, InboxItem>> pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> watched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Action<InboxBatch>>> listeners = new(StringComparer.Ordinal);

    internal static string GroupOf(string unit) => "inbox:" + unit;

    /// <summary>What the database held at start: the units holding each open case, so that leaving one is told.</summary>
    public void Seed(IReadOnlyList<CaseCard> cards)
    {
        lock (gate)
        {
            foreach (var card in cards)
            {
                if (!known.ContainsKey(card.Code) && card.Inbox is { Count: > 0 } inbox)
                {
                    known[card.Code] = (card.V, [.. inbox.Select(e => e.Unit)]);
                }
            }
        }
    }

    public void CaseChanged(CaseCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var inbox = card.Inbox ?? [];
        lock (gate)
        {
            known.TryGetValue(card.Code, out var before);
            if (before.Units is not null && before.V >= card.V)
            {
                return;
            }

            foreach (var entry in inbox)
            {
                Queue(entry.Unit, InboxItem.Of(card, entry.Box));
            }

            InboxItem? gone = null;
            foreach (var unit in (before.Units ?? []).Concat(card.Left ?? []).Distinct(StringComparer.Ordinal))
            {
                if (inbox.All(e => e.Unit != unit))
                {
                    Queue(unit, gone ??= InboxItem.Of(card, null));
                }
            }

            // A case that holds no inbox is forgotten; a late older card of it then finds nothing to go by, and is harmless:
            // it names only the units of its own (older) state, whose consoles drop it by version.
            if (inbox.Count == 0)
            {
                known.Remove(card.Code);
            }
            else
            {
                known[card.Code] = (card.V, [.. inbox.Select(e => e.Unit)]);
            }
        }
    }

    /// <summary>Starts pushing a unit's changes to its group (the connection has joined it already).</summary>
    public void Watch(string unit)
    {
        lock (gate)
        {
            watched[unit] = watched.GetValueOrDefault(unit) + 1;
        }
    }

    public void Unwatch(string unit)
    {
        lock (gate)
        {
            if (watched.TryGetValue(unit, out var n) && n <= 1)
            {
                watched.Remove(unit);
            }
            else if (n > 1)
            {
                watched[unit] = n - 1;
            }
        }
    }

    /// <summary>A page on this server (the console's circuit) listens to a unit's changes; dispose to stop.</summary>
    public IDisposable Listen(string unit, Action<InboxBatch> listener)
    {
        lock (gate)
        {
            if (!listeners.TryGetValue(unit, out var list))
            {
                listeners[unit] = list = [];
            }

            list.Add(listener);
        }

        return new Subscription(this, unit, listener);
    }

    private void Queue(string unit, InboxItem item)
    {
        if (!watched.ContainsKey(unit) && !listeners.ContainsKey(unit))
        {
            return;
        }

        if (!pending.TryGetValue(unit, out var items))
        {
            pending[unit] = items = new Dictionary<string, InboxItem>(StringComparer.Ordinal);
        }

        if (!items.TryGetValue(item.Code, out var old) || old.V < item.V)
        {
            items[item.Code] = item;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    Flush();
                }
                catch (Exception e)
                {
                    // A console that misses a batch heals at its next reconnect; the router itself must keep going.
                    LogFlushFailed(log, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal void Flush()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        List<(string Unit, InboxBatch Batch, bool Hub, Action<InboxBatch>[] Listeners)> sends;
        lock (gate)
        {
            if (pending.Count == 0)
            {
                return;
            }

            sends = [.. pending.Select(p => (p.Key, new InboxBatch(now, [.. p.Value.Values]), watched.ContainsKey(p.Key),
                listeners.TryGetValue(p.Key, out var list) ? list.ToArray() : []))];
            pending.Clear();
        }

        foreach (var (unit, batch, toHub, locals) in sends)
        {
            if (toHub)
            {
                _ = SendAsync(unit, batch);
            }

            foreach (var listener in locals)
            {
                listener(batch);
            }
        }
    }

    private async Task SendAsync(string unit, InboxBatch batch)
    {
        try
        {
            await hub.Clients.Group(GroupOf(unit)).Inbox(batch);
        }
        catch (Exception e)
        {
            LogFlushFailed(log, e);
        }
    }

    [LoggerMessage(EventId = 531, Level = LogLevel.Warning, Message = "Sending inbox changes failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    private sealed class Subscription(InboxRouter router, string unit, Action<InboxBatch> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (router.gate)
            {
                if (router.listeners.TryGetValue(unit, out var list) && list.Remove(listener) && list.Count == 0)
                {
                    router.listeners.Remove(unit);
                }
            }
        }
    }
}
