using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Command.Data;

/// <summary>
/// Versioned SQL scripts embedded in an assembly as <c>migrations/{component}/{sqlite|postgres}/NNNN_name.sql</c>.
/// At start each component's unapplied scripts run in order, each recorded in <c>schema_migrations</c>.
/// </summary>
public sealed record MigrationSource(Assembly Assembly, string Component);

internal sealed record Migration(string Component, int Version, string Name, string Sql);

internal static partial class Migrator
{
    private const long PostgresLockKey = 0x436F6D6D616E64; // "Command"

    public static IReadOnlyList<Migration> Load(MigrationSource source, StorageProvider provider)
    {
        var prefix = $"migrations/{source.Component}/{provider.ToString().ToLowerInvariant()}/";
        var migrations = new List<Migration>();
        foreach (var resource in source.Assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var match = ScriptName().Match(resource[prefix.Length..]);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration script '{resource}' is not named NNNN_name.sql.");
            }

            using var stream = source.Assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(source.Component, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Component '{source.Component}' has two migration scripts numbered {duplicate.Key}.");
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }

    public static async Task MigrateAsync(Database database, IEnumerable<MigrationSource> sources, ILogger log, CancellationToken cancellationToken)
    {
        var scripts = sources.Distinct().SelectMany(s => Load(s, database.Provider)).ToList();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var postgres = database.Provider == StorageProvider.Postgres;
        if (postgres)
        {
            // Two silos starting together must not both migrate.
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({PostgresLockKey})", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    component  TEXT   NOT NULL,
                    version    INTEGER NOT NULL,
                    name       TEXT   NOT NULL,
                    applied_at BIGINT NOT NULL,
                    PRIMARY KEY (component, version))
                """, cancellationToken).ConfigureAwait(false);

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var applied = new Dictionary<string, int>(StringComparer.Ordinal);
            await using (var query = connection.CreateCommand())
            {
                query.Transaction = transaction;
                query.CommandText = "SELECT component, MAX(version) FROM schema_migrations GROUP BY component";
                await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
                }
            }

            foreach (var component in scripts.GroupBy(s => s.Component))
            {
                var known = component.Max(s => s.Version);
                if (applied.TryGetValue(component.Key, out var current) && current > known)
                {
                    throw new InvalidOperationException(
                        $"The database schema of '{component.Key}' is at version {current}, newer than this build knows ({known}). Refusing to start.");
                }
            }

            foreach (var script in scripts.Where(s => s.Version > applied.GetValueOrDefault(s.Component)))
            {
                await ExecuteAsync(connection, transaction, script.Sql, cancellationToken).ConfigureAwait(false);
                await using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (@c, @v, @n, @t)";
                AddParameter(record, "@c", script.Component);
                AddParameter(record, "@v", script.Version);
                AddParameter(record, "@n", script.Name);
                AddParameter(record, "@t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                log.MigrationApplied(script.Component, script.Version, script.Name);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (postgres)
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({PostgresLockKey})", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [GeneratedRegex(@"^(\d{4})_([A-Za-z0-9_\-]+)\.sql$")]
    private static partial Regex ScriptName();
}
