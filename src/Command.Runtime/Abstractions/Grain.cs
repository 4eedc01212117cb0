using Command.Runtime.Core;

namespace Command.Runtime;

/// <summary>The base class of grains. Constructed by the runtime only; callers hold references from <see cref="IGrainFactory"/>.</summary>
public abstract class Grain : IAddressable
{
    [ThreadStatic]
    private static Activation? constructing;

    protected Grain()
    {
        Activation = constructing
            ?? throw new InvalidOperationException("Grains are created by the runtime; get a reference from IGrainFactory instead of calling a constructor.");
    }

    public GrainId GrainId => Activation.Id;

    internal static Activation? Constructing
    {
        get => constructing;
        set => constructing = value;
    }

    internal Activation Activation { get; }

    protected IGrainFactory GrainFactory => Activation.Runtime;

    protected IServiceProvider ServiceProvider => Activation.Runtime.Services;

    /// <summary>Runs before the first request, after persistent state has been read.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs when the activation is collected, asked to deactivate, or the silo stops gracefully. Not run on a kill.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivate once the current turn(s) finish; the next call creates a fresh activation.</summary>
    protected void DeactivateOnIdle() =>
        Activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle"));

    /// <summary>Keep this activation from idle collection for at least this long.</summary>
    protected void DelayDeactivation(TimeSpan timeSpan) =>
        Activation.KeepAlive(Activation.Runtime.Time.GetUtcNow() + timeSpan);

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        RegisterGrainTimer(callback, new GrainTimerCreationOptions(dueTime, period));

    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new GrainTimer(Activation, (_, ct) => callback(ct), null, options);
    }

    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new GrainTimer(Activation, (s, ct) => callback((TState)s!, ct), state, options);
    }
}
