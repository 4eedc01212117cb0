using System.Reflection;

namespace Command.Runtime.Core;

/// <summary>The base of the generated proxy types that implement grain interfaces.</summary>
public class GrainProxy : DispatchProxy
{
    internal GrainReference Reference { get; set; } = null!;

    public override bool Equals(object? obj) => obj is GrainProxy other && other.Reference.Id == Reference.Id;

    public override int GetHashCode() => Reference.Id.GetHashCode();

    public override string ToString() => $"GrainReference:{Reference.Id}";

    internal GrainProxy CloneFor(GrainReference reference)
    {
        var proxy = (GrainProxy)MemberwiseClone();
        proxy.Reference = reference;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var plan = Reference.Interface.GetPlan(targetMethod!);
        return plan.Send(Reference, args ?? []);
    }
}

/// <summary>What a proxy knows: who it calls, through which interface, and the activation it last reached.</summary>
internal sealed class GrainReference(GrainRuntime runtime, GrainId id, GrainInterfaceInfo @interface)
{
    public GrainRuntime Runtime { get; } = runtime;

    public GrainId Id { get; } = id;

    public GrainInterfaceInfo Interface { get; } = @interface;

    /// <summary>The activation the last call went to; saves the directory lookup while it stays valid.</summary>
    public Activation? CachedActivation { get; set; }
}
