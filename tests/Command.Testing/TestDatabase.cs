using System.Data.Common;
using Command.Data;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace Command.Testing;

/// <summary>
/// A throwaway database: a fresh SQLite file, or a fresh PostgreSQL database created through the server named by
/// COMMAND_TEST_POSTGRES (an admin connection string; scripts/test.sh sets it up). Without that variable PostgreSQL
/// tests are skipped, except under CI=true, where they fail: CI must run them.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "COMMAND_TEST_POSTGRES";

    private readonly string? postgresAdmin;
    private readonly string? sqliteDirectory;

    private TestDatabase(StorageProvider provider, string connectionString, string? postgresAdmin, string? sqliteDirectory)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.postgresAdmin = postgresAdmin;
        this.sqliteDirectory = sqliteDirectory;
    }

    public StorageProvider Provider { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(StorageProvider provider)
    {
        if (provider == StorageProvider.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "command-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            return new TestDatabase(provider, $"Data Source={Path.Combine(directory, "command.db")}", null, directory);
        }

        var admin = RequirePostgres();
        var name = $"command_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(provider, builder.ToString(), admin, null);
    }

    /// <summary>The admin connection string, or a skip (a failure under CI) when PostgreSQL is not set up.</summary>
    public static string RequirePostgres()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"CI=true but {PostgresVariable} is not set: PostgreSQL tests must run in CI. Run scripts/test.sh.");
            }

            Skip.If(true, $"{PostgresVariable} is not set; run scripts/test.sh to set up PostgreSQL.");
        }

        return admin!;
    }

    /// <summary>Runs a statement directly against the database, bypassing the silo (to play another writer).</summary>
    public Task<int> ExecuteAsync(string sql, params object?[] parameters) => RunAsync(sql, parameters, c => c.ExecuteNonQueryAsync());

    public Task<object?> ScalarAsync(string sql, params object?[] parameters) => RunAsync(sql, parameters, c => c.ExecuteScalarAsync());

    private async Task<T> RunAsync<T>(string sql, object?[] parameters, Func<DbCommand, Task<T>> run)
    {
        await using DbConnection connection = Provider == StorageProvider.Sqlite
            ? new SqliteConnection(ConnectionString)
            : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (command is SqliteCommand sqlite)
        {
            SqliteDatabase.Bind(sqlite, parameters);
        }
        else
        {
            PostgresDatabase.Bind(((NpgsqlCommand)command).Parameters, parameters);
        }

        return await run(command);
    }

    public async ValueTask DisposeAsync()
    {
        if (sqliteDirectory is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(sqliteDirectory, recursive: true);
            }
            catch (IOException)
            {
            }

            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(postgresAdmin);
        await connection.OpenAsync();
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (attempt < 10 && e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                // FORCE cannot end a backend that is not ours (autovacuum on the fresh database): it is gone a moment later.
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }
}
