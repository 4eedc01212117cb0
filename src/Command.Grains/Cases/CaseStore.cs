using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Command.Data;

namespace Command.Grains.Cases;

/// <summary>
/// Reads and writes a case: its row (columns for lists and statistics, the state as JSON), its new history entries
/// and its warning changes, all in one atomic, durable write. A history entry's (case, seq) key is unique, so a write
/// from a stale copy of the case fails instead of overwriting.
/// </summary>
public sealed class CaseStore(Database database)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private const string Upsert = """
        INSERT INTO cases (code, version, county_code, township_code, village_code, grid_code, region_code, category, urgency, channel, title,
            status, level, unit_id, supervision, accepted_at, due_at, warnings, overdue, result, resolved_level, closed_at, satisfaction, updated_at, payload,
            next_due_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)
        ON CONFLICT (code) DO UPDATE SET version = excluded.version, status = excluded.status, level = excluded.level, unit_id = excluded.unit_id,
            supervision = excluded.supervision, due_at = excluded.due_at, warnings = excluded.warnings, overdue = excluded.overdue, result = excluded.result,
            resolved_level = excluded.resolved_level, closed_at = excluded.closed_at, satisfaction = excluded.satisfaction,
            updated_at = excluded.updated_at, payload = excluded.payload, next_due_at = excluded.next_due_at
        """;

    private const string InsertEvent = """
        INSERT INTO case_events (case_code, seq, at, action, actor, actor_name, from_unit, to_unit, status, note, detail)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """;

    public static string Serialize(CaseState state) => JsonSerializer.Serialize(state, Json);

    public static CaseState Deserialize(string payload) => JsonSerializer.Deserialize<CaseState>(payload, Json) ?? throw new JsonException("A case payload was null.");

    /// <summary>The case and its history, or null when no case has this code.</summary>
    public async Task<(CaseState State, string Payload, List<CaseEvent> History)?> LoadAsync(string code, CancellationToken cancellationToken = default)
    {
        string? payload = null;
        await database.QueryAsync(new SqlStatement("SELECT payload FROM cases WHERE code = $1", code), r => payload = r.GetString(0), cancellationToken).ConfigureAwait(false);
        if (payload is null)
        {
            return null;
        }

        var history = new List<CaseEvent>();
        await database.QueryAsync(
            new SqlStatement("SELECT seq, at, action, actor, actor_name, from_unit, to_unit, status, note, detail FROM case_events WHERE case_code = $1 ORDER BY seq", code),
            r => history.Add(new CaseEvent(
                Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)),
                Enum.Parse<CaseAction>(r.GetString(2)),
                r.GetString(3),
                r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6),
                CaseNames.TryParseStatus(r.GetString(7), out var status) ? status : CaseStatus.Accepted,
                r.IsDBNull(8) ? null : r.GetString(8),
                r.IsDBNull(9) ? null : JsonSerializer.Deserialize<CaseEventDetail>(r.GetString(9), Json))),
            cancellationToken).ConfigureAwait(false);
        return (Deserialize(payload), payload, history);
    }

    /// <summary>Writes the case row, its new history entries and warning changes atomically; completes once durable.</summary>
    public Task WriteAsync(
        CaseState s, string payload, DateTimeOffset? dueAt, DateTimeOffset? nextDue, IReadOnlyList<CaseEvent> events, IReadOnlyList<SqlStatement> warnings)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(warnings);
        var closed = s.Status is CaseStatus.Closed or CaseStatus.Archived;
        var statements = new List<SqlStatement>(events.Count + warnings.Count + 1)
        {
            new(Upsert,
                s.Code, (long)s.Version, s.Location.CountyCode, s.Location.TownshipCode, s.Location.VillageCode, s.Location.GridCode, s.Location.RegionCode,
                s.Intake.Category, s.Intake.Urgency.Wire(), s.Intake.Channel.Wire(), s.Intake.Title, s.Status.Wire(),
                s.Current is { } c ? (long?)c.To.Level : null, s.Current?.To.Id ?? (s.Status == CaseStatus.Accepted ? s.Holder : null),
                (long)s.Supervision, s.AcceptedAt.ToUnixTimeMilliseconds(), dueAt?.ToUnixTimeMilliseconds(), (long)s.Warnings.Count, s.Overdue ? 1L : 0L,
                closed ? s.Result?.Wire() : null, closed && s.ResolvedLevel is { } level ? (long?)level : null, closed ? s.ClosedAt?.ToUnixTimeMilliseconds() : null,
                s.LastSatisfaction?.Wire(), s.UpdatedAt.ToUnixTimeMilliseconds(), payload, nextDue?.ToUnixTimeMilliseconds()),
        };
        foreach (var e in events)
        {
            statements.Add(new SqlStatement(InsertEvent,
                s.Code, (long)e.Seq, e.At.ToUnixTimeMilliseconds(), e.Action.ToString(), e.Actor, e.ActorName, e.FromUnit, e.ToUnit, e.Status.Wire(), e.Note,
                e.Detail is null ? null : JsonSerializer.Serialize(e.Detail, Json)));
        }

        statements.AddRange(warnings);
        return database.WriteAsync(statements);
    }

    /// <summary>
    /// Records a case's next deadline when a look at its deadlines changed nothing else; false when the stored case is no
    /// longer at <paramref name="version"/> (another copy wrote it), and nothing was written.
    /// </summary>
    public async Task<bool> WriteNextDueAsync(string code, int version, DateTimeOffset? nextDue)
    {
        var rows = await database.WriteAsync(
            new SqlStatement("UPDATE cases SET next_due_at = $2 WHERE code = $1 AND version = $3", code, nextDue?.ToUnixTimeMilliseconds(), (long)version))
            .ConfigureAwait(false);
        return rows[0] == 1;
    }

    /// <summary>Open cases whose next deadline is at or before <paramref name="before"/>, earliest first.</summary>
    public async Task<List<string>> DueAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default)
    {
        var codes = new List<string>();
        await database.QueryAsync(
            new SqlStatement(
                "SELECT code FROM cases WHERE next_due_at <= $1 AND status NOT IN ('archived', 'rejected') ORDER BY next_due_at LIMIT $2",
                before.ToUnixTimeMilliseconds(), (long)limit),
            r => codes.Add(r.GetString(0)),
            cancellationToken).ConfigureAwait(false);
        return codes;
    }
}
