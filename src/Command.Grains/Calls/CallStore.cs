using System.Data.Common;
using System.Globalization;
using Command.Data;

namespace Command.Grains.Calls;

/// <summary>The <c>calls</c> table: written only by the call grains (one row per call), read for the log of a case or an order and for missed-call notices.</summary>
public sealed class CallStore(Database database)
{
    /// <summary>The migration component of this table (<c>migrations/calls/{provider}/NNNN_name.sql</c>).</summary>
    public const string MigrationComponent = "calls";

    private const string Columns =
        "id, status, caller, caller_name, callee, callee_name, callee_region, answered_by, case_code, order_id, started_at, connected_at, ended_at, ended_by, seen_at, end_reason";

    public static SqlStatement Save(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new SqlStatement(
            $"""
            INSERT INTO calls ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, answered_by = excluded.answered_by, connected_at = excluded.connected_at,
                ended_at = excluded.ended_at, ended_by = excluded.ended_by, seen_at = excluded.seen_at,
                end_reason = excluded.end_reason
            """,
            call.Id, call.Status.Wire(), call.Caller, call.CallerName, call.Callee, call.CalleeName, call.CalleeRegion, call.AnsweredBy, call.CaseCode, call.OrderId,
            call.StartedAt.ToUnixTimeMilliseconds(), call.ConnectedAt?.ToUnixTimeMilliseconds(), call.EndedAt?.ToUnixTimeMilliseconds(), call.EndedBy,
            call.SeenAt?.ToUnixTimeMilliseconds(), call.EndReason);
    }

    /// <summary>The call's coarse last-alive mark (a beat at most once a minute), for a call whose activation was lost.</summary>
    public static SqlStatement Alive(string id, DateTimeOffset at) =>
        new("UPDATE calls SET alive_at = $1 WHERE id = $2", at.ToUnixTimeMilliseconds(), id);

    /// <summary>When the call was last marked alive; null when never (a call shorter than a minute).</summary>
    public async Task<DateTimeOffset?> AliveAtAsync(string id, CancellationToken cancellationToken = default)
    {
        DateTimeOffset? at = null;
        await database.QueryAsync(new SqlStatement("SELECT alive_at FROM calls WHERE id = $1", id), r => at = Time(r, 0), cancellationToken);
        return at;
    }

    public async Task<CallRecord?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        (await ReadAsync(new SqlStatement($"SELECT {Columns} FROM calls WHERE id = $1", id), cancellationToken)).FirstOrDefault();

    /// <summary>The calls about a case, oldest first (the log of a case: a handful, so no paging).</summary>
    public Task<List<CallRecord>> ForCaseAsync(string caseCode, CancellationToken cancellationToken = default) =>
        ReadAsync(new SqlStatement($"SELECT {Columns} FROM calls WHERE case_code = $1 ORDER BY started_at", caseCode), cancellationToken);

    /// <summary>The calls about a dispatch order, oldest first.</summary>
    public Task<List<CallRecord>> ForOrderAsync(string orderId, CancellationToken cancellationToken = default) =>
        ReadAsync(new SqlStatement($"SELECT {Columns} FROM calls WHERE order_id = $1 ORDER BY started_at", orderId), cancellationToken);

    /// <summary>Missed calls to <paramref name="callee"/> whose notice nobody there has seen yet, newest first (at most 20).</summary>
    public Task<List<CallRecord>> UnseenMissedAsync(string callee, CancellationToken cancellationToken = default) =>
        ReadAsync(
            new SqlStatement($"SELECT {Columns} FROM calls WHERE callee = $1 AND status = 'missed' AND seen_at IS NULL ORDER BY started_at DESC LIMIT 20", callee),
            cancellationToken);

    /// <summary>Calls still ringing to <paramref name="callee"/> (a console that opens while one rings starts ringing too).</summary>
    public Task<List<CallRecord>> RingingAsync(string callee, CancellationToken cancellationToken = default) =>
        ReadAsync(new SqlStatement($"SELECT {Columns} FROM calls WHERE callee = $1 AND status = 'ringing' ORDER BY started_at", callee), cancellationToken);

    private async Task<List<CallRecord>> ReadAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        var calls = new List<CallRecord>();
        await database.QueryAsync(statement, r => calls.Add(Read(r)), cancellationToken);
        return calls;
    }

    private static CallRecord Read(DbDataReader r) => new(
        r.GetString(0),
        CallStatusNames.TryParse(r.GetString(1), out var status) ? status : throw new InvalidDataException($"Call {r.GetString(0)} has an unknown status '{r.GetString(1)}'."),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        r.GetString(5),
        r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8),
        r.IsDBNull(9) ? null : r.GetString(9),
        Time(r, 10)!.Value,
        Time(r, 11),
        Time(r, 12),
        r.IsDBNull(13) ? null : r.GetString(13),
        Time(r, 14),
        r.IsDBNull(15) ? null : r.GetString(15));

    private static DateTimeOffset? Time(DbDataReader r, int i) =>
        r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture));
}
