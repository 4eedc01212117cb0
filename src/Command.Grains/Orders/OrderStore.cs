using System.Globalization;
using System.Text.Json;
using Command.Data;
using Command.Grains.Attachments;
using Command.Grains.Cases;

namespace Command.Grains.Orders;

/// <summary>
/// Owns the <c>orders</c>, <c>order_targets</c> and <c>order_events</c> tables: an order's row, its receivers and its new
/// steps, written with their warning changes in one atomic, durable write. A step's (order, seq) key is unique, so a write
/// from a stale copy of the order fails instead of overwriting.
/// </summary>
public sealed class OrderStore(Database database)
{
    /// <summary>The migration component of these tables (<c>migrations/orders/{provider}/NNNN_name.sql</c>).</summary>
    public const string MigrationComponent = "orders";

    /// <summary>The most orders one list answers.</summary>
    public const int ListLimit = 200;

    private const string Upsert = """
        INSERT INTO orders (id, version, issuer_unit, region_code, issued_at, is_open, next_due_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (id) DO UPDATE SET version = excluded.version, is_open = excluded.is_open, next_due_at = excluded.next_due_at, payload = excluded.payload
        """;

    public static string Serialize(OrderState state) => JsonSerializer.Serialize(state, CaseStore.Json);

    public static OrderState Deserialize(string payload) => JsonSerializer.Deserialize<OrderState>(payload, CaseStore.Json) ?? throw new JsonException("An order payload was null.");

    public async Task<(OrderState State, List<OrderEvent> History)?> LoadAsync(string id, CancellationToken cancellationToken = default)
    {
        string? payload = null;
        await database.QueryAsync(new SqlStatement("SELECT payload FROM orders WHERE id = $1", id), r => payload = r.GetString(0), cancellationToken).ConfigureAwait(false);
        if (payload is null)
        {
            return null;
        }

        var history = new List<OrderEvent>();
        await database.QueryAsync(
            new SqlStatement("SELECT seq, at, action, actor, actor_name, target_key, note FROM order_events WHERE order_id = $1 ORDER BY seq", id),
            r =>
            {
                var action = OrderNames.TryParse(r.GetString(2), out var a) ? a : OrderAction.Issue;
                history.Add(new OrderEvent(
                    Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture),
                    DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)),
                    action, action.ToChinese(), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)));
            },
            cancellationToken).ConfigureAwait(false);
        return (Deserialize(payload), history);
    }

    /// <summary>Writes the order row (with its receivers when it is new), its new steps and warning changes atomically.</summary>
    public Task WriteAsync(OrderState s, bool isNew, IReadOnlyList<OrderEvent> events, IReadOnlyList<SqlStatement> warnings, IReadOnlyList<SqlStatement>? takes = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(warnings);
        var issuedAt = s.IssuedAt.ToUnixTimeMilliseconds();
        var statements = new List<SqlStatement>
        {
            new(Upsert, s.Id, (long)s.Version, s.IssuerUnit, s.RegionCode, issuedAt, s.Open ? 1L : 0L, s.NextDue?.ToUnixTimeMilliseconds(), Serialize(s)),
        };
        if (isNew)
        {
            statements.AddRange(s.Targets.Select(t => new SqlStatement(
                "INSERT INTO order_targets (order_id, target_key, issued_at) VALUES ($1, $2, $3)", s.Id, t.Key, issuedAt)));
        }

        statements.AddRange(events.Select(e => new SqlStatement(
            "INSERT INTO order_events (order_id, seq, at, action, actor, actor_name, target_key, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            s.Id, (long)e.Seq, e.At.ToUnixTimeMilliseconds(), e.Action.Wire(), e.Actor, e.ActorName, e.Target, e.Note)));
        statements.AddRange(warnings);

        // Draft attachments the order takes: each must still be there, or nothing of the write is kept.
        return takes is { Count: > 0 } ? database.WriteAsync(new AttachmentClaim(database, statements, takes)) : database.WriteAsync(statements);
    }

    /// <summary>The orders a unit issued, newest first (without their history).</summary>
    public Task<List<OrderView>> IssuedByAsync(string unit, CancellationToken cancellationToken = default) =>
        ListAsync(new SqlStatement("SELECT payload FROM orders WHERE issuer_unit = $1 ORDER BY issued_at DESC LIMIT $2", unit, (long)ListLimit), cancellationToken);

    /// <summary>The orders sent to a receiver key, newest first (without their history).</summary>
    public Task<List<OrderView>> ReceivedByAsync(string key, CancellationToken cancellationToken = default) =>
        ListAsync(new SqlStatement(
            "SELECT o.payload FROM order_targets t JOIN orders o ON o.id = t.order_id WHERE t.target_key = $1 ORDER BY t.issued_at DESC LIMIT $2", key, (long)ListLimit),
            cancellationToken);

    /// <summary>Open orders whose next limit is at or before <paramref name="before"/> (for a sweep after lost reminders).</summary>
    public async Task<List<string>> DueAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        await database.QueryAsync(
            new SqlStatement("SELECT id FROM orders WHERE next_due_at <= $1 ORDER BY next_due_at LIMIT $2", before.ToUnixTimeMilliseconds(), (long)limit),
            r => ids.Add(r.GetString(0)), cancellationToken).ConfigureAwait(false);
        return ids;
    }

    private async Task<List<OrderView>> ListAsync(SqlStatement sql, CancellationToken cancellationToken)
    {
        var orders = new List<OrderView>();
        await database.QueryAsync(sql, r => orders.Add(OrderGrain.ViewOf(Deserialize(r.GetString(0)), [])), cancellationToken).ConfigureAwait(false);
        return orders;
    }
}
