using System.Data.Common;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;

namespace Command.Data.Providers;

/// <summary>
/// Carries a PostgreSQL database from before the move to Orleans over to Orleans' tables, once: every grain state in
/// <c>grain_state</c> (user accounts, case-number blocks) and every reminder in <c>reminders</c> (case deadlines) is
/// written through Orleans' own providers, then the old tables are renamed <c>…_before_orleans</c> and kept. Runs after
/// the providers have started and before the silo is active; silos starting together take turns on an advisory lock,
/// and a state that is already there is left as it is.
/// </summary>
internal sealed partial class PostgresCarryOver(Database database, IServiceProvider services, ILogger<PostgresCarryOver> log)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private const long LockKey = 0x436F6D6D616E65; // "Comman" + 'e': not the migrator's key

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PostgresCarryOver), ServiceLifecycleStage.ApplicationServices, RunAsync);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await ExistsAsync(connection, "grain_state", cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var states = await CarryStatesAsync(connection, cancellationToken).ConfigureAwait(false);
            var reminders = await CarryRemindersAsync(connection, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, """
                ALTER TABLE grain_state RENAME TO grain_state_before_orleans;
                ALTER TABLE reminders RENAME TO reminders_before_orleans;
                """, cancellationToken).ConfigureAwait(false);
            if (states + reminders > 0)
            {
                LogCarried(log, states, reminders);
            }
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<int> CarryStatesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var rows = new List<(string Type, string Key, string Name, string Payload)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT grain_type, grain_key, state_name, payload::text FROM grain_state WHERE payload IS NOT NULL";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        var carried = 0;
        foreach (var (type, key, name, payload) in rows)
        {
            using var json = JsonDocument.Parse(payload);
            var state = new GrainState<JsonElement>(json.RootElement.Clone());
            try
            {
                await storage.WriteStateAsync(name, GrainId.Create(type, key), state).ConfigureAwait(false);
                carried++;
            }
            catch (InconsistentStateException)
            {
                // Already in Orleans' table (a carry-over cut short, or a grain that wrote since): the newer one stays.
            }
        }

        return carried;
    }

    private async Task<int> CarryRemindersAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var table = services.GetRequiredService<IReminderTable>();
        var rows = new List<ReminderEntry>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT grain_type, grain_key, reminder_name, next_due_at, period_ms FROM reminders";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new ReminderEntry
                {
                    GrainId = GrainId.Create(reader.GetString(0), reader.GetString(1)),
                    ReminderName = reader.GetString(2),
                    StartAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)).UtcDateTime,
                    Period = TimeSpan.FromMilliseconds(reader.GetInt64(4)),
                });
            }
        }

        foreach (var entry in rows)
        {
            await table.UpsertRow(entry).ConfigureAwait(false);
        }

        return rows.Count;
    }

    private static async Task<bool> ExistsAsync(DbConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT to_regclass('{table}') IS NOT NULL";
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Carried the database over to Orleans' tables: {States} grain states and {Reminders} reminders; the old tables are kept as grain_state_before_orleans and reminders_before_orleans")]
    private static partial void LogCarried(ILogger logger, int states, int reminders);
}
