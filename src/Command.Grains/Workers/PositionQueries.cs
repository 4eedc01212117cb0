using System.Data.Common;
using System.Globalization;
using Command.Data;

namespace Command.Grains.Workers;

/// <summary>Reads of stored positions: a worker's track and last fix.</summary>
public static class PositionQueries
{
    private const string Columns = "worker_id, ts, lat, lon, speed, bearing, altitude, accuracy, battery";

    /// <summary>Fixes with from ≤ time &lt; to, oldest first, at most <paramref name="limit"/>.</summary>
    public static Task<List<PositionFix>> TrackAsync(Database database, long workerId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default) =>
        ReadAsync(database, new SqlStatement(
            $"SELECT {Columns} FROM positions WHERE worker_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4",
            workerId, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), limit), cancellationToken);

    public static async Task<PositionFix?> LastAsync(Database database, long workerId, CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync(database, new SqlStatement($"SELECT {Columns} FROM positions WHERE worker_id = $1 ORDER BY ts DESC LIMIT 1", workerId), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Workers with a fix at or after <paramref name="since"/> (who may be online after a restart).</summary>
    public static async Task<List<long>> ReportedSinceAsync(Database database, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var ids = new List<long>();
        await database.QueryAsync(
            new SqlStatement("SELECT DISTINCT worker_id FROM positions WHERE ts >= $1", since.ToUnixTimeMilliseconds()),
            reader => ids.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture)),
            cancellationToken).ConfigureAwait(false);
        return ids;
    }

    private static async Task<List<PositionFix>> ReadAsync(Database database, SqlStatement statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var fixes = new List<PositionFix>();
        await database.QueryAsync(statement, reader => fixes.Add(new PositionFix(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                reader.GetDouble(2),
                reader.GetDouble(3),
                Optional(reader, 4),
                Optional(reader, 5),
                Optional(reader, 6),
                Optional(reader, 7),
                Optional(reader, 8))), cancellationToken).ConfigureAwait(false);
        return fixes;
    }

    private static double Optional(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? double.NaN : Convert.ToDouble(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
