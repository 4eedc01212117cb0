using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Command.Data;

/// <summary>SQLite, the embedded default: one file, WAL journal, full fsync on commit, one writer.</summary>
public sealed class SqliteDatabase : Database
{
    private readonly string connectionString;

    internal SqliteDatabase(string connectionString, int maxBatch, DataMetrics metrics, ILogger log)
        : base(writerCount: 1, maxBatch, metrics, log)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Pooling = true,
            DefaultTimeout = 30,
        };
        this.connectionString = builder.ToString();
        FilePath = Path.GetFullPath(builder.DataSource);
    }

    public override StorageProvider Provider => StorageProvider.Sqlite;

    // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
    private protected override bool IsConflict(Exception e) => e is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    private protected override bool BlockingIo => true;

    public string FilePath { get; }

    public override string Describe() => $"SQLite {FilePath}";

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    public override DbCommand CreateCommand(DbConnection connection, SqlStatement statement)
    {
        var command = ((SqliteConnection)connection).CreateCommand();
        command.CommandText = statement.Sql;
        Bind(command, statement.Parameters);
        return command;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
    }

    private protected override async Task<Writer> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        using (var pragma = connection.CreateCommand())
        {
            // A 64 MiB page cache for the one writer: large batches touch many pages of big tables.
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;";
            pragma.ExecuteNonQuery();
        }

        return new SqliteWriter(connection);
    }

    internal static void Bind(SqliteCommand command, object?[] values)
    {
        if (command.Parameters.Count != values.Length)
        {
            command.Parameters.Clear();
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter("$" + (i + 1), null));
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private sealed class SqliteWriter(SqliteConnection connection) : Writer
    {
        private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);

        public override Task<int[][]> ExecuteAsync(IReadOnlyList<WriteUnit> units, CancellationToken cancellationToken)
        {
            var results = new int[units.Count][];
            using var transaction = connection.BeginTransaction(deferred: false);
            for (var u = 0; u < units.Count; u++)
            {
                if (units[u].Bulk is { } bulk)
                {
                    // Microsoft.Data.Sqlite completes synchronously; this stays on the writer's thread.
                    results[u] = [bulk.ExecuteAsync(connection, transaction, cancellationToken).GetAwaiter().GetResult()];
                    continue;
                }

                var statements = units[u].Statements;
                var rows = new int[statements.Count];
                for (var s = 0; s < statements.Count; s++)
                {
                    if (!commands.TryGetValue(statements[s].Sql, out var command))
                    {
                        command = connection.CreateCommand();
                        command.CommandText = statements[s].Sql;
                        commands[statements[s].Sql] = command;
                    }

                    command.Transaction = transaction;
                    Bind(command, statements[s].Parameters);
                    rows[s] = command.ExecuteNonQuery();
                }

                results[u] = rows;
            }

            transaction.Commit();
            return Task.FromResult(results);
        }

        public override async ValueTask DisposeAsync()
        {
            foreach (var command in commands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
