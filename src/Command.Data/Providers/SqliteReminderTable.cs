using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Command.Data.Providers;

/// <summary>
/// Orleans' reminder table in the SQLite file (table <c>reminders</c>). The ETag is the row's version. Orleans' reminder
/// service reads the rows of its part of the hash ring, so each row keeps its grain's
/// <see cref="GrainId.GetUniformHashCode"/> in <c>grain_hash</c>; rows written before Orleans get theirs at start.
/// </summary>
internal sealed partial class SqliteReminderTable(Database database, DataMetrics metrics, ILogger<SqliteReminderTable> log) : IReminderTable
{
    /// <summary>Attempts at an upsert that keeps losing the race to other writers of the same row, before giving up.</summary>
    private const int MaxUpsertAttempts = 10;

    private const string Columns = "grain_type, grain_key, reminder_name, first_due_at, period_ms, version";

    private const string SelectOne = $"SELECT {Columns} FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3";

    private const string SelectGrain = $"SELECT {Columns} FROM reminders WHERE grain_type = $1 AND grain_key = $2";

    private const string SelectRange = $"SELECT {Columns} FROM reminders WHERE grain_hash > $1 AND grain_hash <= $2";

    private const string SelectWrapped = $"SELECT {Columns} FROM reminders WHERE grain_hash > $1 OR grain_hash <= $2";

    private const string SelectVersion = "SELECT version FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3";

    // Writes version $6 over the version read just before ($7; NULL when there was no row): a row that another writer
    // created or changed in between is left alone, and the statement affects no row.
    private const string Upsert = """
        INSERT INTO reminders (grain_type, grain_key, reminder_name, first_due_at, period_ms, next_due_at, version, grain_hash)
        VALUES ($1, $2, $3, $4, $5, $4, $6, $8)
        ON CONFLICT (grain_type, grain_key, reminder_name) DO UPDATE
        SET first_due_at = excluded.first_due_at, period_ms = excluded.period_ms, next_due_at = excluded.next_due_at,
            version = excluded.version, grain_hash = excluded.grain_hash
        WHERE reminders.version = $7
        """;

    private const string Delete = "DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3 AND version = $4";

    private const string SelectUnhashed = "SELECT grain_type, grain_key, reminder_name FROM reminders WHERE grain_hash IS NULL";

    private const string SetHash = "UPDATE reminders SET grain_hash = $4 WHERE grain_type = $1 AND grain_key = $2 AND reminder_name = $3 AND grain_hash IS NULL";

    public Task Init() => StartAsync(CancellationToken.None);

    /// <summary>Gives rows written before Orleans (which have no hash) their grain's hash, so range reads find them.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var updates = new List<SqlStatement>();
        await database.QueryAsync(
            new SqlStatement(SelectUnhashed),
            row =>
            {
                var type = row.GetString(0);
                var key = row.GetString(1);
                updates.Add(new SqlStatement(SetHash, type, key, row.GetString(2), Hash(GrainId.Create(type, key))));
            },
            cancellationToken).ConfigureAwait(false);

        if (updates.Count > 0)
        {
            await database.WriteAsync(updates, cancellationToken).ConfigureAwait(false);
            RemindersHashed(log, updates.Count);
        }
    }

    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        QueryAsync(new SqlStatement(SelectGrain, grainId.Type.ToString(), grainId.Key.ToString()), cancellationToken);

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <summary>The rows whose grain hash is in (begin, end] on the ring: past the top it wraps round, and begin = end is all of it.</summary>
    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) =>
        QueryAsync(new SqlStatement(begin < end ? SelectRange : SelectWrapped, (long)begin, (long)end), cancellationToken);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(new SqlStatement(SelectOne, grainId.Type.ToString(), grainId.Key.ToString(), reminderName), cancellationToken).ConfigureAwait(false);
        return rows.Reminders.Count == 0 ? null : rows.Reminders[0];
    }

    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var type = entry.GrainId.Type.ToString();
            var key = entry.GrainId.Key.ToString();
            var startAt = ToUnixMilliseconds(entry.StartAt);
            var period = entry.Period.Ticks / TimeSpan.TicksPerMillisecond;
            var hash = Hash(entry.GrainId);
            for (var attempt = 1; attempt <= MaxUpsertAttempts; attempt++)
            {
                long? current = null;
                await database.QueryAsync(
                    new SqlStatement(SelectVersion, type, key, entry.ReminderName),
                    row => current = row.GetInt64(0),
                    cancellationToken).ConfigureAwait(false);

                var next = (current ?? 0) + 1;
                var statement = new SqlStatement(Upsert, type, key, entry.ReminderName, startAt, period, next, current, hash);
                if ((await database.WriteAsync([statement], cancellationToken).ConfigureAwait(false))[0] == 1)
                {
                    return next.ToString(CultureInfo.InvariantCulture);
                }
            }

            // Orleans reads null as a lost race and tells the caller to try again.
            return null;
        }
        finally
        {
            metrics.StorageOperation("upsert_reminder", Stopwatch.GetElapsedTime(started));
        }
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        if (!long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var statement = new SqlStatement(Delete, grainId.Type.ToString(), grainId.Key.ToString(), reminderName, version);
            return (await database.WriteAsync([statement], cancellationToken).ConfigureAwait(false))[0] == 1;
        }
        finally
        {
            metrics.StorageOperation("remove_reminder", Stopwatch.GetElapsedTime(started));
        }
    }

    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    public Task TestOnlyClearTable(CancellationToken cancellationToken) =>
        database.WriteAsync([new SqlStatement("DELETE FROM reminders")], cancellationToken);

    private async Task<ReminderTableData> QueryAsync(SqlStatement statement, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var entries = new List<ReminderEntry>();
            await database.QueryAsync(statement, row => entries.Add(ToEntry(row)), cancellationToken).ConfigureAwait(false);
            return new ReminderTableData(entries);
        }
        finally
        {
            metrics.StorageOperation("read_reminders", Stopwatch.GetElapsedTime(started));
        }
    }

    private static ReminderEntry ToEntry(DbDataReader row) => new()
    {
        GrainId = GrainId.Create(row.GetString(0), row.GetString(1)),
        ReminderName = row.GetString(2),
        StartAt = DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(3)).UtcDateTime,
        Period = TimeSpan.FromMilliseconds(row.GetInt64(4)),
        ETag = row.GetInt64(5).ToString(CultureInfo.InvariantCulture),
    };

    private static long Hash(GrainId grainId) => grainId.GetUniformHashCode();

    /// <summary>Rounded up to the millisecond, so a stored reminder is never due before the instant it was set for.</summary>
    private static long ToUnixMilliseconds(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        var ticks = utc.Ticks - DateTime.UnixEpoch.Ticks;
        return (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
    }

    [LoggerMessage(30, LogLevel.Information, "Gave {Count} reminders written before Orleans their grain hash")]
    private static partial void RemindersHashed(ILogger log, int count);
}
