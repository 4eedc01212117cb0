using System.Collections.Concurrent;
using Command.Runtime.Hosting;

namespace Command.Runtime.Core;

/// <summary>The directory of live activations: at most one per grain id.</summary>
internal sealed class Catalog(GrainRuntime runtime)
{
    private readonly ConcurrentDictionary<GrainId, Activation> activations = new();

    public int Count => activations.Count;

    public ICollection<Activation> Activations => activations.Values;

    /// <summary>Queues the message to the grain's activation, creating it when there is none.</summary>
    public Activation Deliver(GrainId id, Message message)
    {
        var spin = default(SpinWait);
        while (true)
        {
            runtime.ThrowIfUnavailable();
            var activation = activations.GetOrAdd(id, static (key, rt) => new Activation(rt, key, rt.Types.GetClass(key.Type)), runtime);
            if (activation.TryEnqueue(message))
            {
                if (runtime.Status is SiloStatus.Dead or SiloStatus.Stopped)
                {
                    // Raced with a kill that had already swept the directory.
                    activation.Kill(new SiloUnavailableException($"The silo is {runtime.Status}."));
                    Remove(activation);
                }

                return activation;
            }

            // It is finishing its deactivation and will leave the directory in a moment.
            spin.SpinOnce();
        }
    }

    public bool TryGet(GrainId id, out Activation activation) => activations.TryGetValue(id, out activation!);

    public void Remove(Activation activation) => activations.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation));
}
