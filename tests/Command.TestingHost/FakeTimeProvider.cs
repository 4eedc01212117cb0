namespace Command.TestingHost;

/// <summary>A clock that moves only when told. Timers fire, in due order, on the thread that advances the clock.</summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private const double MaxTimerMilliseconds = 4294967294;

    private readonly Lock gate = new();
    private readonly List<FakeTimer> timers = [];
    private DateTimeOffset now;
    private TimeZoneInfo zone = TimeZoneInfo.Utc;

    public FakeTimeProvider(DateTimeOffset start) => now = start;

    /// <summary>Starts on Monday 2026-11-02 09:00 China Standard Time, a working day.</summary>
    public FakeTimeProvider()
        : this(new DateTimeOffset(2026, 11, 2, 1, 0, 0, TimeSpan.Zero))
    {
    }

    public override TimeZoneInfo LocalTimeZone => zone;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public void SetLocalTimeZone(TimeZoneInfo timeZone) => zone = timeZone;

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, each at its own due time.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (gate)
        {
            target = now + delta;
        }

        while (true)
        {
            FakeTimer? next;
            lock (gate)
            {
                next = timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (next is null)
                {
                    now = target;
                    return;
                }

                if (next.DueAt > now)
                {
                    now = next.DueAt;
                }

                next.DueAt = next.Period == Timeout.InfiniteTimeSpan || next.Period == TimeSpan.Zero
                    ? DateTimeOffset.MaxValue
                    : now + next.Period;
            }

            next.Fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        lock (gate)
        {
            timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset DueAt { get; set; } = DateTimeOffset.MaxValue;

        public TimeSpan Period { get; private set; } = Timeout.InfiniteTimeSpan;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // As strict as System.Threading.Timer, so code that works on the fake clock works on the real one.
            ValidateDelay(dueTime, nameof(dueTime));
            ValidateDelay(period, nameof(period));
            lock (owner.gate)
            {
                if (!owner.timers.Contains(this))
                {
                    return false;
                }

                Period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : owner.now + dueTime;
                if (dueTime == TimeSpan.Zero)
                {
                    // Due now: fire soon on the thread pool, as a real timer would, not only at the next Advance.
                    ThreadPool.QueueUserWorkItem(static t => t.FireIfDue(), this, preferLocal: false);
                }
            }

            return true;
        }

        private void FireIfDue()
        {
            lock (owner.gate)
            {
                if (!owner.timers.Contains(this) || DueAt > owner.now)
                {
                    return;
                }

                DueAt = Period == Timeout.InfiniteTimeSpan || Period == TimeSpan.Zero ? DateTimeOffset.MaxValue : owner.now + Period;
            }

            Fire();
        }

        public void Fire() => callback(state);

        private static void ValidateDelay(TimeSpan delay, string name)
        {
            if (delay != Timeout.InfiniteTimeSpan && (delay < TimeSpan.Zero || delay.TotalMilliseconds > MaxTimerMilliseconds))
            {
                throw new ArgumentOutOfRangeException(name, delay, $"A timer delay must be between 0 and {MaxTimerMilliseconds} ms.");
            }
        }

        public void Dispose()
        {
            lock (owner.gate)
            {
                owner.timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
