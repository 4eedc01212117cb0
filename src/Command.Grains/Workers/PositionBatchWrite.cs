using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Command.Grains.Workers;

/// <summary>
/// Inserts a batch of fixes in the group commit: one prepared statement run per fix on SQLite, one statement
/// with array parameters on PostgreSQL. A fix already stored (same worker and time) is skipped, so a device
/// re-sending after a lost answer creates no duplicate.
/// </summary>
internal sealed class PositionBatchWrite(PositionFix[] fixes, int count) : Command.Data.BulkWrite
{
    private const string Columns = "worker_id, ts, lat, lon, speed, bearing, altitude, accuracy, battery";

    public override Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection is NpgsqlConnection postgres
            ? WritePostgresAsync(postgres, (NpgsqlTransaction)transaction, cancellationToken)
            : Task.FromResult(WriteSqlite((SqliteConnection)connection, (SqliteTransaction)transaction));

    private int WriteSqlite(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO positions ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";
        var p = new SqliteParameter[9];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = command.Parameters.Add(new SqliteParameter("$" + (i + 1), null));
        }

        command.Prepare();
        var rows = 0;
        for (var i = 0; i < count; i++)
        {
            ref readonly var f = ref fixes[i];
            p[0].Value = f.WorkerId;
            p[1].Value = f.Time;
            p[2].Value = f.Lat;
            p[3].Value = f.Lon;
            p[4].Value = Nullable(f.Speed);
            p[5].Value = Nullable(f.Bearing);
            p[6].Value = Nullable(f.Altitude);
            p[7].Value = Nullable(f.Accuracy);
            p[8].Value = Nullable(f.Battery);
            rows += command.ExecuteNonQuery();
        }

        return rows;
    }

    private async Task<int> WritePostgresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var workers = new long[count];
        var times = new long[count];
        var lats = new double[count];
        var lons = new double[count];
        var optional = new float?[5][];
        for (var j = 0; j < optional.Length; j++)
        {
            optional[j] = new float?[count];
        }

        for (var i = 0; i < count; i++)
        {
            ref readonly var f = ref fixes[i];
            workers[i] = f.WorkerId;
            times[i] = f.Time;
            lats[i] = f.Lat;
            lons[i] = f.Lon;
            optional[0][i] = Real(f.Speed);
            optional[1][i] = Real(f.Bearing);
            optional[2][i] = Real(f.Altitude);
            optional[3][i] = Real(f.Accuracy);
            optional[4][i] = Real(f.Battery);
        }

        await using var command = new NpgsqlCommand(
            $"INSERT INTO positions ({Columns}) SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = workers, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = times, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = lats, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = lons, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
        foreach (var column in optional)
        {
            command.Parameters.Add(new NpgsqlParameter<float?[]> { TypedValue = column, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Real });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static object Nullable(double value) => double.IsNaN(value) ? DBNull.Value : value;

    private static float? Real(double value) => double.IsNaN(value) ? null : (float)value;
}
