using Command.Runtime.Diagnostics;
using Command.Runtime.Core;

namespace Command.Runtime;

/// <summary>
/// An activation-scoped timer. Each tick is queued to the activation as a turn (interleaving only if asked), and the
/// next tick is armed only after the callback's task has completed, so ticks never overlap.
/// </summary>
internal sealed class GrainTimer : IGrainTimer
{
    private readonly Activation activation;
    private readonly Func<object?, CancellationToken, Task> callback;
    private readonly object? state;
    private readonly CancellationTokenSource stopped = new();
    private readonly Lock gate = new();
    private readonly ITimer timer;
    private TimeSpan period;
    private bool ticking;
    private bool changedWhileTicking;
    private bool firedWhileTicking;

    public GrainTimer(Activation activation, Func<object?, CancellationToken, Task> callback, object? state, GrainTimerCreationOptions options)
    {
        if (options.DueTime < TimeSpan.Zero && options.DueTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "A timer's due time cannot be negative.");
        }

        if (options.Period <= TimeSpan.Zero && options.Period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "A timer's period must be positive, or infinite for a single tick.");
        }

        this.activation = activation;
        this.callback = callback;
        this.state = state;
        Options = options;
        period = options.Period;
        activation.AddTimer(this);
        timer = activation.Runtime.Time.CreateTimer(static s => ((GrainTimer)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        timer.Change(options.DueTime, Timeout.InfiniteTimeSpan);
    }

    public GrainTimerCreationOptions Options { get; }

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(stopped.IsCancellationRequested, this);
            this.period = period;
            changedWhileTicking = ticking;
            timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        Stop();
        activation.RemoveTimer(this);
    }

    internal void Stop()
    {
        lock (gate)
        {
            if (stopped.IsCancellationRequested)
            {
                return;
            }

            stopped.Cancel();
            timer.Dispose();
        }
    }

    private void Fire()
    {
        lock (gate)
        {
            if (stopped.IsCancellationRequested)
            {
                return;
            }

            if (ticking)
            {
                // Due again (after a Change) while the last tick still runs: tick as soon as it ends.
                firedWhileTicking = true;
                return;
            }

            ticking = true;
            changedWhileTicking = false;
        }

        if (!activation.TryEnqueue(new TimerTick(this)))
        {
            Stop();
        }
    }

    private void TickCompleted(Task task)
    {
        if (task.IsFaulted)
        {
            activation.Runtime.Log.TimerFailed(task.Exception!.InnerException!, activation.Id);
        }

        bool fireNow;
        lock (gate)
        {
            ticking = false;
            fireNow = firedWhileTicking && !stopped.IsCancellationRequested;
            firedWhileTicking = false;
            if (!fireNow && !stopped.IsCancellationRequested && !changedWhileTicking && period != Timeout.InfiniteTimeSpan)
            {
                timer.Change(period, Timeout.InfiniteTimeSpan);
            }
        }

        if (fireNow)
        {
            Fire();
        }
    }

    private sealed class TimerTick(GrainTimer owner) : Message
    {
        public override bool ReadOnly => false;

        public override bool HasCaller => false;

        public override bool AlwaysInterleave => owner.Options.Interleave;

        public override bool KeepAlive => owner.Options.KeepAlive;

        public override string Name => "timer";

        public override Task Invoke(Grain grain) =>
            owner.stopped.IsCancellationRequested ? Task.CompletedTask : owner.callback(owner.state, owner.stopped.Token);

        public override void Complete(Task task) => owner.TickCompleted(task);

        public override void Fail(Exception exception)
        {
            lock (owner.gate)
            {
                owner.ticking = false;
            }
        }
    }
}
