using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Command.Runtime.Diagnostics;

namespace Command.Runtime.Storage;

/// <summary>Grain state in the <c>grain_state</c> table. ETags are row versions; a write whose ETag is stale
/// changes nothing and throws <see cref="InconsistentStateException"/>.</summary>
internal sealed class AdoNetGrainStorage(Database database, StateSerializer serializer, RuntimeMetrics metrics, TimeProvider time) : IGrainStorage
{
    private readonly RuntimeSql sql = RuntimeSql.For(database.Provider);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var connection = await database.OpenAsync().ConfigureAwait(false);
            await using var command = database.CreateCommand(connection, new SqlStatement(sql.ReadState, grainId.Type, grainId.Key, stateName));
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            if (!await reader.ReadAsync().ConfigureAwait(false))
            {
                Reset(grainState, etag: null);
                return;
            }

            var version = reader.GetInt64(2).ToString(CultureInfo.InvariantCulture);
            if (reader.IsDBNull(0))
            {
                Reset(grainState, version);
                return;
            }

            grainState.State = serializer.Deserialize<T>(reader.GetString(0), reader.GetInt32(1));
            grainState.ETag = version;
            grainState.RecordExists = true;
        }
        catch (DbException e)
        {
            throw new GrainStorageException($"Reading state '{stateName}' of {grainId} failed: {e.Message}", e);
        }
        finally
        {
            metrics.StorageOperation("read", Stopwatch.GetElapsedTime(started));
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = serializer.Serialize(grainState.State);
        var version = await WriteAsync(stateName, grainId, grainState.ETag, payload, StateSerializer.VersionOf(typeof(T)), "write").ConfigureAwait(false);
        grainState.ETag = version;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var version = await WriteAsync(stateName, grainId, grainState.ETag, payload: null, StateSerializer.VersionOf(typeof(T)), "clear").ConfigureAwait(false);
        Reset(grainState, version);
    }

    private static void Reset<T>(IGrainState<T> grainState, string? etag)
    {
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = etag;
        grainState.RecordExists = false;
    }

    private async Task<string> WriteAsync(string stateName, GrainId grainId, string? etag, string? payload, int schemaVersion, string operation)
    {
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long next;
        SqlStatement statement;
        if (etag is null)
        {
            next = 1;
            statement = new SqlStatement(sql.InsertState, grainId.Type, grainId.Key, stateName, payload, schemaVersion, next, now);
        }
        else
        {
            var current = long.Parse(etag, CultureInfo.InvariantCulture);
            next = current + 1;
            statement = new SqlStatement(sql.UpdateState, grainId.Type, grainId.Key, stateName, payload, schemaVersion, next, now, current);
        }

        try
        {
            var rows = (await database.WriteAsync(statement).ConfigureAwait(false))[0];
            if (rows != 1)
            {
                throw new InconsistentStateException(
                    $"Version conflict writing state '{stateName}' of {grainId}: this activation held ETag '{etag ?? "(none)"}' but the stored record has changed.",
                    storedEtag: null,
                    currentEtag: etag);
            }

            return next.ToString(CultureInfo.InvariantCulture);
        }
        finally
        {
            metrics.StorageOperation(operation, Stopwatch.GetElapsedTime(started));
        }
    }
}

/// <summary>The runtime's SQL, per provider. Parameters are positional ($1 …) in both.</summary>
internal sealed class RuntimeSql
{
    private static readonly RuntimeSql Sqlite = new("$4");
    private static readonly RuntimeSql Postgres = new("$4::jsonb");

    private RuntimeSql(string payload)
    {
        InsertState = $"""
            INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, modified_at)
            VALUES ($1, $2, $3, {payload}, $5, $6, $7)
            ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
            """;
        UpdateState = $"""
            UPDATE grain_state SET payload = {payload}, schema_version = $5, version = $6, modified_at = $7
            WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $8
            """;
    }

    public string InsertState { get; }

    public string UpdateState { get; }

    public string ReadState { get; } = "SELECT payload, schema_version, version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3";

    public string UpsertReminder { get; } = """
        INSERT INTO reminders (grain_type, grain_key, reminder_name, first_due_at, period_ms, next_due_at, version)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (grain_type, grain_key, reminder_name)
        DO UPDATE SET first_due_at = excluded.first_due_at, period_ms = excluded.period_ms,
                      next_due_at = excluded.next_due_at, version = excluded.version
        """;

    public string AdvanceReminder { get; } = """
        UPDATE reminders SET next_due_at = $4, version = $5
        WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3 AND version = $6
          AND first_due_at = $7 AND period_ms = $8
        """;

    public string DeleteReminder { get; } = "DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3";

    public string LoadReminders { get; } = "SELECT grain_type, grain_key, reminder_name, first_due_at, period_ms, next_due_at, version FROM reminders";

    public static RuntimeSql For(StorageProvider provider) => provider == StorageProvider.Postgres ? Postgres : Sqlite;
}
