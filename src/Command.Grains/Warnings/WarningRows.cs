using Command.Data;

namespace Command.Grains.Warnings;

/// <summary>
/// Writes to the <c>warnings</c> table from the grains that own a warning's cause (a case, a grid, a worker), in their own
/// writes; one active row per subject and kind.
/// </summary>
public static class WarningRows
{
    public static SqlStatement Raise(string id, WarningKind kind, WarningLevel level, string subject, string? caseCode, long? workerId, string regionCode, string message, DateTimeOffset at) => new(
        "INSERT INTO warnings (id, kind, level, subject, case_code, worker_id, region_code, county_code, message, raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id, kind.Wire(), (long)level, subject, caseCode, workerId, regionCode, regionCode[..Math.Min(6, regionCode.Length)], message, at.ToUnixTimeMilliseconds());

    public static SqlStatement Change(string id, WarningLevel level, string message) =>
        new("UPDATE warnings SET level = $2, message = $3 WHERE id = $1", id, (long)level, message);

    public static SqlStatement Clear(string id, DateTimeOffset at) =>
        new("UPDATE warnings SET cleared_at = $2 WHERE id = $1 AND cleared_at IS NULL", id, at.ToUnixTimeMilliseconds());

    /// <summary>The id of the subject's active warning of this kind, if any (after a restart, to carry on with it).</summary>
    public static async Task<string?> ActiveIdAsync(Database database, string subject, WarningKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        string? id = null;
        await database.QueryAsync(
            new SqlStatement("SELECT id FROM warnings WHERE subject = $1 AND kind = $2 AND cleared_at IS NULL", subject, kind.Wire()),
            r => id = r.GetString(0), cancellationToken).ConfigureAwait(false);
        return id;
    }
}
