using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Command.Data.Providers;

/// <summary>
/// Grain state in the SQLite file, one <c>grain_state</c> row per grain and state name, keyed by the grain type and key
/// as Orleans names them (a <c>UserGrain</c> with key "duty" is type "user", key "duty", as before Orleans).
/// The ETag is the row's version. A write holding a stale ETag, or holding none while a row exists, changes nothing
/// and throws <see cref="InconsistentStateException"/>. Clearing keeps the row with no payload, so the version keeps
/// counting and a writer that missed the clear still conflicts.
/// </summary>
internal sealed class SqliteGrainStorage(Database database, DataMetrics metrics, IActivatorProvider activators, TimeProvider time, string name)
    : IGrainStorage
{
    private const string ReadSql =
        "SELECT payload, schema_version, version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3";

    private const string InsertSql = """
        INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, modified_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING
        """;

    private const string UpdateSql = """
        UPDATE grain_state SET payload = $4, schema_version = $5, version = $6, modified_at = $7
        WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $8
        """;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var found = false;
            string? payload = null;
            var schemaVersion = 0;
            var version = 0L;
            await database.QueryAsync(
                new SqlStatement(ReadSql, grainId.Type.ToString(), grainId.Key.ToString(), stateName),
                row =>
                {
                    found = true;
                    payload = row.IsDBNull(0) ? null : row.GetString(0);
                    schemaVersion = row.GetInt32(1);
                    version = row.GetInt64(2);
                },
                cancellationToken).ConfigureAwait(false);

            if (payload is null)
            {
                // Never written, or cleared: no record, but a cleared row's version is still the ETag to write over.
                grainState.State = Create<T>();
                grainState.ETag = found ? Etag(version) : null;
                grainState.RecordExists = false;
                return;
            }

            if (schemaVersion != StateJson.SchemaVersion)
            {
                throw new StorageException(
                    $"State '{stateName}' of {grainId} in storage '{name}' has schema version {schemaVersion}; this build reads version {StateJson.SchemaVersion} only.");
            }

            grainState.State = JsonSerializer.Deserialize<T>(payload, StateJson.Options) ?? Create<T>();
            grainState.ETag = Etag(version);
            grainState.RecordExists = true;
        }
        finally
        {
            metrics.StorageOperation("read", Stopwatch.GetElapsedTime(started));
        }
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var payload = JsonSerializer.Serialize(grainState.State, StateJson.Options);
            grainState.ETag = await StoreAsync(stateName, grainId, grainState.ETag, payload, cancellationToken).ConfigureAwait(false);
            grainState.RecordExists = true;
        }
        finally
        {
            metrics.StorageOperation("write", Stopwatch.GetElapsedTime(started));
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // As Orleans' ADO.NET storage does: a caller that holds no record looks again, and if there is still none
            // there is nothing to clear.
            if (!grainState.RecordExists)
            {
                await ReadStateAsync(stateName, grainId, grainState, cancellationToken).ConfigureAwait(false);
                if (!grainState.RecordExists)
                {
                    return;
                }
            }

            grainState.ETag = await StoreAsync(stateName, grainId, grainState.ETag, payload: null, cancellationToken).ConfigureAwait(false);
            grainState.State = Create<T>();
            grainState.RecordExists = false;
        }
        finally
        {
            metrics.StorageOperation("clear", Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Inserts (no ETag) or updates the row at the held version; returns the new ETag once committed.</summary>
    private async Task<string> StoreAsync(string stateName, GrainId grainId, string? etag, string? payload, CancellationToken cancellationToken)
    {
        var type = grainId.Type.ToString();
        var key = grainId.Key.ToString();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long next;
        SqlStatement statement;
        if (etag is null)
        {
            next = 1;
            statement = new SqlStatement(InsertSql, type, key, stateName, payload, StateJson.SchemaVersion, next, now);
        }
        else if (long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var held))
        {
            next = held + 1;
            statement = new SqlStatement(UpdateSql, type, key, stateName, payload, StateJson.SchemaVersion, next, now, held);
        }
        else
        {
            throw Conflict(stateName, grainId, etag);
        }

        var rows = (await database.WriteAsync([statement], cancellationToken).ConfigureAwait(false))[0];
        if (rows != 1)
        {
            throw Conflict(stateName, grainId, etag);
        }

        return Etag(next);
    }

    private InconsistentStateException Conflict(string stateName, GrainId grainId, string? etag) =>
        new(
            $"Version conflict on state '{stateName}' of {grainId} in storage '{name}': the caller held ETag '{etag ?? "(none)"}' but the stored record is not at that version.",
            storedEtag: null,
            currentEtag: etag);

    private static string Etag(long version) => version.ToString(CultureInfo.InvariantCulture);

    private T Create<T>() => activators.GetActivator<T>().Create();
}
