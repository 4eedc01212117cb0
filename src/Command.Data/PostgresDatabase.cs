using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Command.Data;

/// <summary>PostgreSQL through Npgsql: several writers, each sending its whole batch in one round trip.</summary>
public sealed class PostgresDatabase : Database
{
    private const int DefaultMaxPoolSize = 16;

    private readonly NpgsqlDataSource dataSource;
    private readonly string description;

    internal PostgresDatabase(string connectionString, int writers, int maxBatch, DataMetrics metrics, ILogger log)
        : base(writers, maxBatch, metrics, log)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        CapPool(builder, DefaultMaxPoolSize + writers);

        description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        dataSource = NpgsqlDataSource.Create(builder);
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    /// <summary>
    /// Caps a pool that the connection string leaves at Npgsql's default of 100, which equals PostgreSQL's default
    /// max_connections: a burst of activations must queue for a connection, not take every slot the server has. A size the
    /// setting gives (under any of Npgsql's spellings) is kept.
    /// </summary>
    internal static void CapPool(NpgsqlConnectionStringBuilder builder, int size)
    {
        if (builder.MaxPoolSize == new NpgsqlConnectionStringBuilder().MaxPoolSize)
        {
            builder.MaxPoolSize = size;
        }
    }

    public override string Describe() => description;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override DbCommand CreateCommand(DbConnection connection, SqlStatement statement)
    {
        var command = ((NpgsqlConnection)connection).CreateCommand();
        command.CommandText = statement.Sql;
        Bind(command.Parameters, statement.Parameters);
        return command;
    }

    /// <summary>The cluster-wide lock: a session advisory lock on a connection of its own, held while the work runs.</summary>
    private protected override async Task<T> LockedAsync<T>(string name, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var key = LockKey(name);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // However long the holder takes (an import of a whole city runs for minutes): only cancellation ends the wait.
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { CommandTimeout = 0 })
        {
            take.Parameters.Add(new NpgsqlParameter { Value = key });
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
                release.Parameters.Add(new NpgsqlParameter { Value = key });
                await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The connection broke, and the session's lock went with it.
            }
        }
    }

    /// <summary>
    /// The advisory lock key of a lock name: the first 8 bytes of its SHA-256, the same on every silo. Holding it by
    /// hand (<c>SELECT pg_advisory_lock(key)</c>) keeps every silo out of the work that lock guards.
    /// </summary>
    public static long LockKey(string name) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("Command:" + name)));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        await dataSource.DisposeAsync().ConfigureAwait(false);
    }

    internal static void Bind(NpgsqlParameterCollection parameters, object?[] values)
    {
        foreach (var value in values)
        {
            parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }

    private protected override bool IsConflict(Exception e) => e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private protected override async Task<Writer> OpenWriterAsync(CancellationToken cancellationToken) =>
        new PostgresWriter(await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false));

    private sealed class PostgresWriter(NpgsqlConnection connection) : Writer
    {
        public override async Task<int[][]> ExecuteAsync(IReadOnlyList<WriteUnit> units, CancellationToken cancellationToken)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var unit in units)
            {
                foreach (var statement in unit.Statements)
                {
                    var command = new NpgsqlBatchCommand(statement.Sql);
                    Bind(command.Parameters, statement.Parameters);
                    batch.BatchCommands.Add(command);
                }
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // Bulk writes run after the batch's statements, in the same transaction.
            var results = new int[units.Count][];
            for (var u = 0; u < units.Count; u++)
            {
                if (units[u].Bulk is { } bulk)
                {
                    results[u] = [await bulk.ExecuteAsync(connection, transaction, cancellationToken).ConfigureAwait(false)];
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            var index = 0;
            for (var u = 0; u < units.Count; u++)
            {
                if (units[u].Bulk is not null)
                {
                    continue;
                }

                var rows = new int[units[u].Statements.Count];
                for (var s = 0; s < rows.Length; s++)
                {
                    rows[s] = batch.BatchCommands[index++].RecordsAffected;
                }

                results[u] = rows;
            }

            return results;
        }

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
