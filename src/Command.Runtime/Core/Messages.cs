using System.Diagnostics;

namespace Command.Runtime.Core;

/// <summary>Something an activation runs as a turn: a request from a caller, or a timer tick.</summary>
internal abstract class Message
{
    public long SentTimestamp { get; set; }

    public abstract bool ReadOnly { get; }

    public abstract bool AlwaysInterleave { get; }

    /// <summary>A caller waits for this message: it can time out, and its latency is measured.</summary>
    public virtual bool HasCaller => true;

    /// <summary>Whether finishing this turn counts as activity for idle collection.</summary>
    public virtual bool KeepAlive => true;

    /// <summary>The caller has stopped waiting (it timed out): the message is dropped instead of run.</summary>
    public virtual bool IsExpired => false;

    public abstract string Name { get; }

    public abstract Task Invoke(Grain grain);

    /// <summary>Runs on the activation's thread, with no synchronization context, once the turn's task has completed.</summary>
    public abstract void Complete(Task task);

    /// <summary>The message could not be delivered or run.</summary>
    public abstract void Fail(Exception exception);

    public TimeSpan Age => Stopwatch.GetElapsedTime(SentTimestamp);
}

/// <summary>A call from a caller through a grain reference. The caller awaits <see cref="Task"/>.</summary>
internal sealed class Request<T>(MethodPlan plan, object?[] args, bool hasResult) : Message
{
    // Asynchronous continuations: the caller's code must never run on the callee's turn (or the sweeper's thread).
    private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => completion.Task;

    public override bool ReadOnly => plan.ReadOnly;

    public override bool AlwaysInterleave => plan.AlwaysInterleave;

    public override bool IsExpired => completion.Task.IsCompleted;

    public override string Name => plan.Name;

    public MethodPlan Plan => plan;

    public override Task Invoke(Grain grain) => plan.Invoker(grain, args);

    public override void Complete(Task task)
    {
        if (task.IsFaulted)
        {
            var exception = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;
            completion.TrySetException(exception);
        }
        else if (task.IsCanceled)
        {
            completion.TrySetCanceled();
        }
        else
        {
            completion.TrySetResult(hasResult ? ((Task<T>)task).Result : default!);
        }
    }

    public override void Fail(Exception exception) => completion.TrySetException(exception);
}
