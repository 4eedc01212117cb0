using Command.Runtime.Core;
using Command.Runtime.Hosting;
using Command.Runtime.Storage;
using Command.Runtime.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Command.Runtime.Reminders;

/// <summary>
/// Durable reminders. Registrations are written before they are acknowledged; the silo keeps every reminder in
/// memory, ordered by when it is next due, behind one timer. After a successful delivery the next due time is
/// written; a failed delivery is retried. So a reminder is delivered at least once, and one that fell due while
/// the silo was down fires once soon after start (Orleans would skip it).
/// </summary>
internal sealed class ReminderService(
    Database database,
    GrainRuntime runtime,
    TimeProvider time,
    IOptions<SiloOptions> options,
    ILogger<ReminderService> log)
{
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(1);

    private readonly RuntimeSql sql = RuntimeSql.For(database.Provider);
    private readonly Lock gate = new();
    private readonly Dictionary<(GrainId, string), Entry> entries = [];
    private readonly PriorityQueue<Entry, long> schedule = new();
    private ITimer? timer;
    private bool stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = database.CreateCommand(connection, new SqlStatement(sql.LoadReminders)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var entry = new Entry(
                    new GrainId(reader.GetString(0), reader.GetString(1)),
                    reader.GetString(2),
                    reader.GetInt64(3),
                    reader.GetInt64(4),
                    reader.GetInt64(5),
                    reader.GetInt64(6));
                lock (gate)
                {
                    entries[(entry.Grain, entry.Name)] = entry;
                    schedule.Enqueue(entry, entry.ScheduledAt);
                }
            }
        }

        lock (gate)
        {
            timer = time.CreateTimer(static s => ((ReminderService)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            log.RemindersLoaded(entries.Count);
            Arm();
        }
    }

    public void Stop()
    {
        lock (gate)
        {
            stopped = true;
            timer?.Dispose();
        }
    }

    public Task<IGrainReminder> RegisterOrUpdateAsync(GrainId grain, string name, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), "A reminder's due time cannot be negative.");
        }

        return RegisterOrUpdateAtAsync(grain, name, time.GetUtcNow().Add(dueTime), period);
    }

    /// <summary>Registers a reminder first due at an instant (at once if it has passed).</summary>
    public async Task<IGrainReminder> RegisterOrUpdateAtAsync(GrainId grain, string name, DateTimeOffset dueAt, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);

        if (period < options.Value.ReminderMinimumPeriod)
        {
            throw new ArgumentOutOfRangeException(
                nameof(period), $"A reminder's period must be at least {options.Value.ReminderMinimumPeriod} (Silo:ReminderMinimumPeriod); {period} was asked.");
        }

        // Rounded up to the millisecond, so a reminder never arrives before the instant it was set for.
        var firstDue = Math.Max((dueAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond, time.GetUtcNow().ToUnixTimeMilliseconds());
        long version;
        lock (gate)
        {
            version = entries.TryGetValue((grain, name), out var existing) ? existing.Version + 1 : 1;
        }

        var entry = new Entry(grain, name, firstDue, (long)period.TotalMilliseconds, firstDue, version);
        await database.WriteAsync(new SqlStatement(sql.UpsertReminder, grain.Type, grain.Key, name, firstDue, entry.PeriodMs, firstDue, version)).ConfigureAwait(false);
        lock (gate)
        {
            entries[(grain, name)] = entry;
            schedule.Enqueue(entry, entry.ScheduledAt);
            if (schedule.Count > (2 * entries.Count) + 1024)
            {
                // Replaced registrations leave stale queue items until their due time; drop them all at once.
                schedule.Clear();
                foreach (var current in entries.Values.Where(e => !e.Delivering))
                {
                    schedule.Enqueue(current, current.ScheduledAt);
                }
            }

            Arm();
        }

        return new ReminderHandle(name);
    }

    public async Task UnregisterAsync(GrainId grain, string name)
    {
        await database.WriteAsync(new SqlStatement(sql.DeleteReminder, grain.Type, grain.Key, name)).ConfigureAwait(false);
        lock (gate)
        {
            entries.Remove((grain, name));
        }
    }

    public IGrainReminder? Get(GrainId grain, string name)
    {
        lock (gate)
        {
            return entries.ContainsKey((grain, name)) ? new ReminderHandle(name) : null;
        }
    }

    public List<IGrainReminder> GetAll(GrainId grain)
    {
        lock (gate)
        {
            return [.. entries.Values.Where(e => e.Grain == grain).Select(e => (IGrainReminder)new ReminderHandle(e.Name))];
        }
    }

    private void OnTimer()
    {
        var due = new List<Entry>();
        lock (gate)
        {
            if (stopped)
            {
                return;
            }

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            while (schedule.TryPeek(out var entry, out var at) && at <= now)
            {
                schedule.Dequeue();
                if (IsCurrent(entry) && !entry.Delivering && entry.ScheduledAt == at)
                {
                    entry.Delivering = true;
                    due.Add(entry);
                }
            }

            Arm();
        }

        foreach (var entry in due)
        {
            _ = DeliverAsync(entry);
        }
    }

    private async Task DeliverAsync(Entry entry)
    {
        var tick = new TickStatus(
            DateTimeOffset.FromUnixTimeMilliseconds(entry.FirstDue).UtcDateTime,
            TimeSpan.FromMilliseconds(entry.PeriodMs),
            DateTimeOffset.FromUnixTimeMilliseconds(entry.NextDue).UtcDateTime);
        long retryAt = 0;
        try
        {
            await runtime.GetGrain<IRemindable>(entry.Grain).ReceiveReminder(entry.Name, tick).ConfigureAwait(false);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var missed = Math.Max(0, (now - entry.NextDue) / entry.PeriodMs) + 1;
            var next = entry.NextDue + (missed * entry.PeriodMs);
            var rows = (await database.WriteAsync(new SqlStatement(
                sql.AdvanceReminder, entry.Grain.Type, entry.Grain.Key, entry.Name, next, entry.Version + 1, entry.Version, entry.FirstDue, entry.PeriodMs)).ConfigureAwait(false))[0];
            lock (gate)
            {
                if (IsCurrent(entry))
                {
                    entry.NextDue = next;
                    entry.ScheduledAt = next;
                    entry.Version += rows == 1 ? 1 : 0;
                }
            }
        }
        catch (Exception e)
        {
            // Not advanced in the database: a crash now still redelivers it at start.
            log.ReminderFailed(e, entry.Name, entry.Grain);
            retryAt = time.GetUtcNow().ToUnixTimeMilliseconds() + (long)Math.Min(options.Value.ReminderRetryDelay.TotalMilliseconds, entry.PeriodMs);
        }

        lock (gate)
        {
            entry.Delivering = false;
            if (IsCurrent(entry) && !stopped)
            {
                if (retryAt > 0)
                {
                    entry.ScheduledAt = retryAt;
                }

                schedule.Enqueue(entry, entry.ScheduledAt);
                Arm();
            }
        }
    }

    private bool IsCurrent(Entry entry) => entries.TryGetValue((entry.Grain, entry.Name), out var current) && ReferenceEquals(current, entry);

    // Under the lock: point the one timer at the earliest due reminder.
    private void Arm()
    {
        while (schedule.TryPeek(out var head, out var at) && (!IsCurrent(head) || head.ScheduledAt != at))
        {
            schedule.Dequeue();
        }

        if (timer is null || stopped || !schedule.TryPeek(out _, out var dueAt))
        {
            return;
        }

        // Timers cannot wait longer than ~49.7 days; a far deadline is reached in steps.
        var delay = TimeSpan.FromMilliseconds(Math.Clamp(dueAt - time.GetUtcNow().ToUnixTimeMilliseconds(), 0, MaxTimerDelay.TotalMilliseconds));
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private sealed class Entry(GrainId grain, string name, long firstDue, long periodMs, long nextDue, long version)
    {
        public GrainId Grain { get; } = grain;

        public string Name { get; } = name;

        public long FirstDue { get; } = firstDue;

        public long PeriodMs { get; } = periodMs;

        /// <summary>When the current tick is due (what the database holds).</summary>
        public long NextDue { get; set; } = nextDue;

        /// <summary>When delivery is next attempted: the due time, or a retry after a failure.</summary>
        public long ScheduledAt { get; set; } = nextDue;

        public long Version { get; set; } = version;

        public bool Delivering { get; set; }
    }

    private sealed record ReminderHandle(string ReminderName) : IGrainReminder;
}
