using System.Data.Common;
using System.Globalization;
using Command.Grains.Audit;
using Command.Grains.Live;
using Command.Grains.Regions;
using Command.Data;

namespace Command.Grains.Warnings;

/// <summary>One warning (预警) as stored: what raised it, where, and who acknowledged it.</summary>
public sealed record WarningRecord(
    string Id,
    WarningKind Kind,
    WarningLevel Level,
    string Subject,
    string? CaseCode,
    long? WorkerId,
    string RegionCode,
    string CountyCode,
    string Message,
    DateTimeOffset RaisedAt,
    DateTimeOffset? ClearedAt,
    string? AckedBy,
    DateTimeOffset? AckedAt)
{
    /// <summary>True when the warning's region lies within <paramref name="scope"/> (a region code prefix; empty for everything).</summary>
    public bool IsWithin(string scope) => Regions.RegionCode.IsWithin(RegionCode, scope);
}

/// <summary>Which warnings to list: inside a region, active only unless <see cref="IncludeCleared"/>, optionally of one kind.</summary>
/// <summary>A page of warnings in a region; with <see cref="UnitId"/> only those of cases that unit handles now.</summary>
public sealed record WarningQuery(string RegionCode, WarningKind? Kind = null, bool IncludeCleared = false, int Page = 1, int PageSize = 50, string? UnitId = null);

public sealed record WarningPage(int Total, IReadOnlyList<WarningRecord> Items);

public enum AckOutcome
{
    /// <summary>Acknowledged now, by the caller.</summary>
    Acked,

    /// <summary>Someone had acknowledged it already; the warning says who and when.</summary>
    AlreadyAcked,

    NotFound,
}

public sealed record AckResult(AckOutcome Outcome, WarningRecord? Warning);

/// <summary>Reads the <c>warnings</c> table for the big screen's list and records acknowledgements (确认), each with an audit entry.</summary>
public sealed class WarningStore(Database database, AuditLog audit, ILiveFeed live, TimeProvider time)
{
    private const string Columns =
        "id, kind, level, subject, case_code, worker_id, region_code, county_code, message, raised_at, cleared_at, acked_by, acked_at";

    // Acknowledgements come at the pace of people; one at a time makes "read, then write if not acked yet" exact,
    // so the audit log never records an acknowledgement that did not take.
    private readonly SemaphoreSlim acking = new(1, 1);

    /// <summary>Newest first, one page, with the number of all that match.</summary>
    public async Task<WarningPage> ListAsync(WarningQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (RegionCode.LevelOf(query.RegionCode) is null)
        {
            throw new ArgumentException($"Not a region code: {query.RegionCode}", nameof(query));
        }

        // The county column is indexed (with raised_at); the prefix narrows it to the region.
        var parameters = new List<object?> { query.RegionCode + "%" };
        var where = "region_code LIKE $1";
        if (query.RegionCode.Length >= 6)
        {
            parameters.Add(query.RegionCode[..6]);
            where = $"county_code = ${parameters.Count} AND {where}";
        }

        if (!query.IncludeCleared)
        {
            where += " AND cleared_at IS NULL";
        }

        if (query.UnitId is { } unit)
        {
            parameters.Add(unit);
            where += $" AND case_code IN (SELECT code FROM cases WHERE unit_id = ${parameters.Count})";
        }

        if (query.Kind is { } kind)
        {
            parameters.Add(kind.Wire());
            where += $" AND kind = ${parameters.Count}";
        }

        var total = 0;
        await database.QueryAsync(
            new SqlStatement($"SELECT COUNT(*) FROM warnings WHERE {where}", [.. parameters]),
            r => total = Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture),
            cancellationToken).ConfigureAwait(false);

        var items = new List<WarningRecord>();
        if (total > (query.Page - 1) * query.PageSize)
        {
            parameters.Add(query.PageSize);
            parameters.Add((query.Page - 1) * query.PageSize);
            var sql = $"SELECT {Columns} FROM warnings WHERE {where} ORDER BY raised_at DESC, id DESC LIMIT ${parameters.Count - 1} OFFSET ${parameters.Count}";
            await database.QueryAsync(new SqlStatement(sql, [.. parameters]), r => items.Add(Read(r)), cancellationToken).ConfigureAwait(false);
        }

        return new WarningPage(total, items);
    }

    /// <summary>Every active warning (for the screens at start).</summary>
    public async Task<List<WarningRecord>> ActiveAsync(CancellationToken cancellationToken = default)
    {
        var items = new List<WarningRecord>();
        await database.QueryAsync(new SqlStatement($"SELECT {Columns} FROM warnings WHERE cleared_at IS NULL"), r => items.Add(Read(r)), cancellationToken).ConfigureAwait(false);
        return items;
    }

    public async Task<WarningRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        WarningRecord? warning = null;
        await database.QueryAsync(new SqlStatement($"SELECT {Columns} FROM warnings WHERE id = $1", id), r => warning = Read(r), cancellationToken).ConfigureAwait(false);
        return warning;
    }

    /// <summary>
    /// Records that <paramref name="actor"/> acknowledged the warning, with an audit entry, in one atomic write.
    /// A warning acknowledged before keeps its first acknowledgement (<see cref="AckOutcome.AlreadyAcked"/>).
    /// </summary>
    public async Task<AckResult> AckAsync(string id, string actor, CancellationToken cancellationToken = default)
    {
        await acking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } warning)
            {
                return new AckResult(AckOutcome.NotFound, null);
            }

            if (warning.AckedBy is not null)
            {
                return new AckResult(AckOutcome.AlreadyAcked, warning);
            }

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var written = await database.WriteAsync(
                new SqlStatement("UPDATE warnings SET acked_by = $1, acked_at = $2 WHERE id = $3 AND acked_by IS NULL", actor, now, id),
                audit.Entry(actor, "warning-ack", id, $"{warning.Kind.Wire()} {warning.Subject}")).ConfigureAwait(false);
            if (written[0] == 0)
            {
                // Only another process writing this table gets here (between the read and the write); the first ack stands.
                return new AckResult(AckOutcome.AlreadyAcked, await GetAsync(id, cancellationToken).ConfigureAwait(false));
            }

            live.WarningAcknowledged(id, actor);
            return new AckResult(AckOutcome.Acked, warning with { AckedBy = actor, AckedAt = DateTimeOffset.FromUnixTimeMilliseconds(now) });
        }
        finally
        {
            acking.Release();
        }
    }

    private static WarningRecord Read(DbDataReader r) => new(
        r.GetString(0),
        WarningNames.TryParse(r.GetString(1), out var kind) ? kind : throw new InvalidDataException($"Warning {r.GetString(0)} has an unknown kind '{r.GetString(1)}'."),
        (WarningLevel)Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture),
        r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture),
        r.GetString(6),
        r.GetString(7),
        r.GetString(8),
        Time(r, 9)!.Value,
        Time(r, 10),
        r.IsDBNull(11) ? null : r.GetString(11),
        Time(r, 12));

    private static DateTimeOffset? Time(DbDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(ordinal), CultureInfo.InvariantCulture));
}
