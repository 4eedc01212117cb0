using System.Diagnostics;
using Command.Runtime.Diagnostics;
using Command.Runtime.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Command.Runtime.Core;

/// <summary>The silo's grain runtime: hands out references, routes calls to activations, collects idle ones, and
/// times out calls that wait too long.</summary>
internal sealed class GrainRuntime : IGrainFactory, IDisposable
{
    private readonly Lock gate = new();
    private ITimer? collector;
    private ITimer? sweeper;

    public GrainRuntime(
        IServiceProvider services,
        GrainTypeRegistry types,
        IOptions<SiloOptions> options,
        TimeProvider time,
        ILogger<GrainRuntime> log,
        RuntimeMetrics metrics)
    {
        Services = services;
        Types = types;
        Options = options.Value;
        Time = time;
        Log = log;
        Metrics = metrics;
        Catalog = new Catalog(this);
        metrics.Observe(this);
    }

    public IServiceProvider Services { get; }

    public GrainTypeRegistry Types { get; }

    public SiloOptions Options { get; }

    public TimeProvider Time { get; }

    public ILogger Log { get; }

    public RuntimeMetrics Metrics { get; }

    public Catalog Catalog { get; }

    public SiloStatus Status { get; private set; } = SiloStatus.Created;

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrEmpty(primaryKey);
        return (TGrainInterface)CreateReference(typeof(TGrainInterface), primaryKey);
    }

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey)
        where TGrainInterface : IGrainWithIntegerKey =>
        (TGrainInterface)CreateReference(typeof(TGrainInterface), primaryKey.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey)
        where TGrainInterface : IGrainWithGuidKey =>
        (TGrainInterface)CreateReference(typeof(TGrainInterface), primaryKey.ToString("N"));

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => (TGrainInterface)GetReference(typeof(TGrainInterface), grainId);

    public object GetReference(Type interfaceType, GrainId grainId)
    {
        var grainClass = Types.GetClass(grainId.Type);
        if (!interfaceType.IsAssignableFrom(grainClass.ClassType))
        {
            throw new InvalidCastException($"Grain {grainId} ({grainClass.ClassType.Name}) does not implement {interfaceType.Name}.");
        }

        var info = Types.GetInterface(interfaceType);
        return info.CreateProxy(new GrainReference(this, grainId, info));
    }

    public void Send(GrainReference target, Message message)
    {
        message.SentTimestamp = Stopwatch.GetTimestamp();
        if (Status is not (SiloStatus.Running or SiloStatus.Stopping))
        {
            message.Fail(new SiloUnavailableException($"The silo is {Status}; the call to {target.Id} was not delivered."));
            return;
        }

        Metrics.CallSent();
        var cached = target.CachedActivation;
        if (cached is not null && cached.TryEnqueue(message))
        {
            return;
        }

        try
        {
            target.CachedActivation = Catalog.Deliver(target.Id, message);
        }
        catch (Exception e)
        {
            message.Fail(e);
        }
    }

    /// <summary>Re-delivers a message that was queued to an activation which then deactivated.</summary>
    public void Forward(GrainId id, Message message)
    {
        if (message.IsExpired)
        {
            return;
        }

        try
        {
            Catalog.Deliver(id, message);
        }
        catch (Exception e)
        {
            message.Fail(e);
        }
    }

    public void ThrowIfUnavailable()
    {
        if (Status is not (SiloStatus.Running or SiloStatus.Stopping))
        {
            throw new SiloUnavailableException($"The silo is {Status}.");
        }
    }

    public void Start()
    {
        lock (gate)
        {
            Status = SiloStatus.Running;
            collector = Time.CreateTimer(static s => ((GrainRuntime)s!).CollectIdle(), this, Options.CollectionQuantum, Options.CollectionQuantum);
            var sweep = TimeSpan.FromTicks(Math.Clamp(Options.ResponseTimeout.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
            sweeper = TimeProvider.System.CreateTimer(static s => ((GrainRuntime)s!).ExpireOverdueCalls(), this, sweep, sweep);
        }
    }

    /// <summary>Deactivates every activation, letting running turns finish and OnDeactivateAsync write what it must.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (Status != SiloStatus.Running)
            {
                return;
            }

            Status = SiloStatus.Stopping;
            collector?.Dispose();
        }

        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "the silo is stopping");
        for (var pass = 0; pass < 3 && Catalog.Count > 0; pass++)
        {
            var activations = Catalog.Activations.ToArray();
            foreach (var activation in activations)
            {
                activation.RequestDeactivation(reason);
            }

            try
            {
                await Task.WhenAll(activations.Select(a => a.Deactivated)).WaitAsync(Options.DeactivationTimeout, cancellationToken);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                Log.ShutdownIncomplete(Catalog.Count);
                break;
            }
        }

        Kill(SiloStatus.Stopped);
    }

    /// <summary>Stops at once: no grain code runs, nothing is flushed. What was acknowledged is already durable.</summary>
    public void Kill(SiloStatus final = SiloStatus.Dead)
    {
        lock (gate)
        {
            Status = final;
            collector?.Dispose();
            sweeper?.Dispose();
        }

        var reason = new SiloUnavailableException($"The silo is {final}.");
        foreach (var activation in Catalog.Activations)
        {
            activation.Kill(reason);
            Catalog.Remove(activation);
        }
    }

    public void Dispose() => Kill(Status is SiloStatus.Dead ? SiloStatus.Dead : SiloStatus.Stopped);

    internal void CollectIdle()
    {
        var now = Time.GetUtcNow();
        var reason = new DeactivationReason(DeactivationReasonCode.ActivationIdle, "idle past its collection age");
        foreach (var activation in Catalog.Activations)
        {
            if (activation.IsIdleLongerThan(activation.Class.CollectionAge ?? Options.CollectionAge, now))
            {
                activation.RequestDeactivation(reason);
            }
        }
    }

    private object CreateReference(Type interfaceType, string key)
    {
        var info = Types.GetInterface(interfaceType);
        var id = new GrainId(Types.GetClassFor(interfaceType).GrainType, key);
        return info.CreateProxy(new GrainReference(this, id, info));
    }

    private void ExpireOverdueCalls()
    {
        var expired = new List<(GrainId, Message)>();
        foreach (var activation in Catalog.Activations)
        {
            activation.ExpireOverdue(Options.ResponseTimeout, expired);
        }

        foreach (var (grain, message) in expired)
        {
            Metrics.CallTimedOut(grain);
            message.Fail(new TimeoutException(
                $"Response did not arrive on time in {Options.ResponseTimeout} for {message.Name} to {grain}. A call cycle between non-reentrant grains, or a slow turn."));
        }
    }
}
