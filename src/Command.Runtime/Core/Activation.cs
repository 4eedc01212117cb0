using Command.Runtime.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Command.Runtime.Core;

/// <summary>
/// The one live instance of a grain. All of its code runs here one piece at a time: requests, timer ticks,
/// continuations after awaits (posted back through <see cref="ActivationSynchronizationContext"/>) and the
/// activate/deactivate steps. Requests start when the interleaving rules allow (Orleans' rules).
/// </summary>
internal sealed class Activation : IThreadPoolWorkItem
{
    private const int MaxItemsPerSlice = 128;

    private readonly Lock gate = new();
    private readonly Queue<(SendOrPostCallback Callback, object? State)> posted = new();
    private readonly Queue<Message> waiting = new();
    private readonly List<Message> running = [];
    private readonly List<GrainTimer> timers = [];
    private readonly ActivationSynchronizationContext context;
    private readonly TaskCompletionSource deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IStorage> states = [];
    private int runningMutating;
    private int waitingInterleavable;
    private bool scheduled;
    private bool touched = true;
    private bool killed;
    private DeactivationReason? deactivationRequest;
    private DateTimeOffset keepAliveUntil;

    public Activation(GrainRuntime runtime, GrainId id, GrainClassInfo grainClass)
    {
        Runtime = runtime;
        Id = id;
        Class = grainClass;
        context = new ActivationSynchronizationContext(this);
        LastActive = runtime.Time.GetUtcNow();
    }

    public GrainRuntime Runtime { get; }

    public GrainId Id { get; }

    public GrainClassInfo Class { get; }

    public Grain? Instance { get; private set; }

    public ActivationStatus Status { get; private set; } = ActivationStatus.Created;

    /// <summary>When the activation was last seen busy by the collector (coarse: one collection quantum).</summary>
    public DateTimeOffset LastActive { get; private set; }

    /// <summary>Completes when the activation has finished deactivating (or failed to activate).</summary>
    public Task Deactivated => deactivated.Task;

    public int QueueLength
    {
        get
        {
            lock (gate)
            {
                return waiting.Count + posted.Count;
            }
        }
    }

    /// <summary>Queues a message. False when the activation is gone: the caller asks the catalog again.</summary>
    public bool TryEnqueue(Message message)
    {
        bool schedule;
        lock (gate)
        {
            if (Status == ActivationStatus.Invalid)
            {
                return false;
            }

            waiting.Enqueue(message);
            if (message.AlwaysInterleave || message.ReadOnly)
            {
                waitingInterleavable++;
            }

            if (Status == ActivationStatus.Created)
            {
                Status = ActivationStatus.Activating;
                posted.Enqueue((static s => ((Activation)s!).StartActivation(), this));
            }

            // Whenever a queued message could start, a drain is already scheduled; so only this one needs checking.
            schedule = !scheduled && (posted.Count > 0 || (Accepting && MayStart(message)));
            scheduled |= schedule;
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return true;
    }

    /// <summary>Runs a continuation of grain code on this activation (from the synchronization context).</summary>
    public void Post(SendOrPostCallback callback, object? state)
    {
        bool schedule;
        lock (gate)
        {
            if (killed)
            {
                return;
            }

            posted.Enqueue((callback, state));
            schedule = !scheduled;
            scheduled = true;
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    public void Execute()
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            for (var i = 0; i < MaxItemsPerSlice; i++)
            {
                (SendOrPostCallback Callback, object? State) item;
                Message? message = null;
                lock (gate)
                {
                    if (killed || (!posted.TryDequeue(out item) && !TryTakeStartable(out message)))
                    {
                        scheduled = false;
                        return;
                    }
                }

                if (message is null)
                {
                    RunPosted(item.Callback, item.State);
                }
                else
                {
                    StartTurn(message);
                }
            }

            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>Asks the activation to deactivate once its running turns have finished.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        lock (gate)
        {
            if (Status is ActivationStatus.Invalid or ActivationStatus.Deactivating || deactivationRequest is not null)
            {
                return;
            }

            deactivationRequest = reason;
        }

        Post(static s => ((Activation)s!).MaybeBeginDeactivation(), this);
    }

    /// <summary>Called by the collector once per quantum: records activity seen since the last pass and says whether the grain is idle past its age.</summary>
    public bool IsIdleLongerThan(TimeSpan age, DateTimeOffset now)
    {
        lock (gate)
        {
            if (touched)
            {
                touched = false;
                LastActive = now;
                return false;
            }

            // Work in hand postpones collection but is not activity: a tick without KeepAlive that happens to be
            // queued at every pass must not keep the grain alive (only finished keep-alive work touches it).
            if (running.Count > 0 || waiting.Count > 0 || posted.Count > 0)
            {
                return false;
            }

            return Status == ActivationStatus.Valid && deactivationRequest is null && now - LastActive >= age && now >= keepAliveUntil;
        }
    }

    /// <summary>Keeps the activation from idle collection until at least <paramref name="until"/>.</summary>
    public void KeepAlive(DateTimeOffset until)
    {
        lock (gate)
        {
            if (until > keepAliveUntil)
            {
                keepAliveUntil = until;
            }
        }
    }

    /// <summary>Fails callers that have waited longer than the response timeout (queued or running).</summary>
    public void ExpireOverdue(TimeSpan timeout, List<(GrainId, Message)> expired)
    {
        lock (gate)
        {
            foreach (var message in running.Concat(waiting))
            {
                if (message.HasCaller && !message.IsExpired && message.Age > timeout)
                {
                    expired.Add((Id, message));
                }
            }
        }
    }

    public void AddTimer(GrainTimer timer)
    {
        lock (gate)
        {
            if (Status is ActivationStatus.Deactivating or ActivationStatus.Invalid)
            {
                throw new InvalidOperationException($"Grain {Id} is deactivating; it cannot register timers.");
            }

            timers.Add(timer);
        }
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (gate)
        {
            timers.Remove(timer);
        }
    }

    /// <summary>The silo was killed: drop everything without running grain code.</summary>
    public void Kill(Exception reason)
    {
        List<Message> dropped;
        lock (gate)
        {
            killed = true;
            Status = ActivationStatus.Invalid;
            dropped = [.. DrainWaiting(), .. running];
            posted.Clear();
            foreach (var timer in timers)
            {
                timer.Stop();
            }

            timers.Clear();
        }

        foreach (var message in dropped)
        {
            message.Fail(reason);
        }

        deactivated.TrySetResult();
    }

    private bool Accepting => Status == ActivationStatus.Valid && deactivationRequest is null;

    // Under the lock. Orleans' rule: a request may start when nothing runs, when the grain is reentrant, when the
    // method is [AlwaysInterleave], or when it and everything running are [ReadOnly].
    private bool MayStart(Message message) =>
        message.IsExpired || running.Count == 0 || Class.Reentrant || message.AlwaysInterleave || (message.ReadOnly && runningMutating == 0);

    // Under the lock. Takes the first waiting message that may start, as Orleans does: a message that may
    // interleave does not wait behind one that may not. Messages whose caller gave up are dropped.
    private bool TryTakeStartable(out Message? message)
    {
        message = null;
        if (!Accepting)
        {
            return false;
        }

        while (waiting.TryPeek(out var head) && MayStart(head))
        {
            TakeFromWaiting(waiting.Dequeue());
            if (!head.IsExpired)
            {
                message = head;
                break;
            }
        }

        if (message is null && waitingInterleavable > 0)
        {
            // The head is blocked; look behind it (rare: only when an interleaving message is queued).
            for (var i = waiting.Count; i > 0; i--)
            {
                var candidate = waiting.Dequeue();
                if (message is null && MayStart(candidate))
                {
                    TakeFromWaiting(candidate);
                    message = candidate.IsExpired ? null : candidate;
                }
                else
                {
                    waiting.Enqueue(candidate);
                }
            }
        }

        if (message is null)
        {
            return false;
        }

        running.Add(message);
        if (!message.ReadOnly)
        {
            runningMutating++;
        }

        return true;
    }

    private void TakeFromWaiting(Message message)
    {
        if (message.AlwaysInterleave || message.ReadOnly)
        {
            waitingInterleavable--;
        }
    }

    // Leaves the directory first, then refuses new messages: a sender either queued in time (and its message is
    // returned here, to be forwarded or failed) or sees Invalid and asks the directory again, finding a new activation.
    private List<Message> Retire()
    {
        Runtime.Catalog.Remove(this);
        lock (gate)
        {
            Status = ActivationStatus.Invalid;
            return DrainWaiting();
        }
    }

    private List<Message> DrainWaiting()
    {
        List<Message> drained = [.. waiting];
        waiting.Clear();
        waitingInterleavable = 0;
        return drained;
    }

    private void RunPosted(SendOrPostCallback callback, object? state)
    {
        try
        {
            callback(state);
        }
        catch (Exception e)
        {
            Runtime.Log.UnhandledInGrain(e, Id);
        }
    }

    private void StartTurn(Message message)
    {
        Task task;
        try
        {
            task = message.Invoke(Instance!);
        }
        catch (Exception e)
        {
            task = Task.FromException(e);
        }

        if (task.IsCompleted)
        {
            EndTurn(message, task);
        }
        else
        {
            // Captures this activation's synchronization context: the end of the turn is posted back here.
            task.GetAwaiter().UnsafeOnCompleted(() => EndTurn(message, task));
        }
    }

    private void EndTurn(Message message, Task task)
    {
        lock (gate)
        {
            running.Remove(message);
            if (!message.ReadOnly)
            {
                runningMutating--;
            }

            touched |= message.KeepAlive;
        }

        Runtime.Metrics.CallCompleted(message);
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            message.Complete(task);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }

        if (task.IsFaulted && task.Exception!.InnerException is InconsistentStateException)
        {
            // Orleans' rule: state this activation holds is stale, so the next call must read it afresh.
            RequestDeactivation(new DeactivationReason(DeactivationReasonCode.IncompatibleRequest, "inconsistent state"));
        }

        MaybeBeginDeactivation();
    }

    private void StartActivation() => _ = ActivateAsync();

    private async Task ActivateAsync()
    {
        try
        {
            Instance = Class.CreateInstance(Runtime.Services, this, states);
            foreach (var state in states)
            {
                await state.ReadStateAsync();
            }

            using var timeout = new CancellationTokenSource(Runtime.Options.ActivationTimeout);
            await Instance.OnActivateAsync(timeout.Token);
            lock (gate)
            {
                if (Status != ActivationStatus.Activating)
                {
                    return;
                }

                Status = ActivationStatus.Valid;
            }

            Runtime.Metrics.Activated();
            MaybeBeginDeactivation();
        }
        catch (Exception e)
        {
            Runtime.Log.ActivationFailed(e, Id);
            foreach (var message in Retire())
            {
                message.Fail(e);
            }

            deactivated.TrySetResult();
        }
    }

    private void MaybeBeginDeactivation()
    {
        DeactivationReason reason;
        lock (gate)
        {
            if (deactivationRequest is null || running.Count > 0 || Status != ActivationStatus.Valid)
            {
                return;
            }

            reason = deactivationRequest.Value;
            Status = ActivationStatus.Deactivating;
        }

        _ = DeactivateAsync(reason);
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        GrainTimer[] stopped;
        lock (gate)
        {
            stopped = [.. timers];
            timers.Clear();
        }

        foreach (var timer in stopped)
        {
            timer.Stop();
        }

        try
        {
            using var timeout = new CancellationTokenSource(Runtime.Options.DeactivationTimeout);
            await Instance!.OnDeactivateAsync(reason, timeout.Token).WaitAsync(Runtime.Options.DeactivationTimeout);
        }
        catch (Exception e)
        {
            Runtime.Log.DeactivationFailed(e, Id);
        }

        var forward = Retire();
        Runtime.Metrics.Deactivated();
        Runtime.Log.Deactivated(Id, reason);
        foreach (var message in forward)
        {
            // Requests go to the next activation; a timer tick belongs to this one and must not revive the grain.
            if (message.HasCaller)
            {
                Runtime.Forward(Id, message);
            }
            else
            {
                message.Fail(new InvalidOperationException($"{Id} deactivated before its timer tick ran."));
            }
        }

        deactivated.TrySetResult();
    }
}

internal enum ActivationStatus
{
    Created,
    Activating,
    Valid,
    Deactivating,
    Invalid,
}

/// <summary>Posts continuations of grain code back to the activation, so grain code never runs on two threads at once.</summary>
internal sealed class ActivationSynchronizationContext(Activation activation) : SynchronizationContext
{
    public Activation Activation { get; } = activation;

    public override void Post(SendOrPostCallback d, object? state) => Activation.Post(d, state);

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Synchronous Send to a grain activation would deadlock; use Post.");

    public override SynchronizationContext CreateCopy() => this;
}
