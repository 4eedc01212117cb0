using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;

namespace Command.Runtime.Core;

/// <summary>Which class implements which grain interface, and how to build proxies and instances. Built once at start.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly FrozenDictionary<Type, GrainClassInfo> classByInterface;
    private readonly FrozenDictionary<string, GrainClassInfo> classByType;
    private readonly ConcurrentDictionary<Type, GrainInterfaceInfo> interfaces = new();

    public GrainTypeRegistry(IEnumerable<Assembly> assemblies)
    {
        var classes = assemblies.Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(t))
            .Select(t => new GrainClassInfo(t))
            .ToList();

        var duplicateTypes = classes.GroupBy(c => c.GrainType).Where(g => g.Count() > 1).ToList();
        if (duplicateTypes.Count > 0)
        {
            throw new InvalidOperationException(
                $"Grain type '{duplicateTypes[0].Key}' is used by {string.Join(", ", duplicateTypes[0].Select(c => c.ClassType.Name))}; name one with [GrainType].");
        }

        classByType = classes.ToFrozenDictionary(c => c.GrainType, StringComparer.Ordinal);
        var byInterface = new Dictionary<Type, GrainClassInfo>();
        foreach (var grainClass in classes)
        {
            foreach (var grainInterface in grainClass.ClassType.GetInterfaces().Where(IsGrainInterface))
            {
                if (grainInterface == typeof(IRemindable))
                {
                    continue;
                }

                if (byInterface.TryGetValue(grainInterface, out var other))
                {
                    throw new InvalidOperationException(
                        $"Grain interface {grainInterface.Name} is implemented by both {other.ClassType.Name} and {grainClass.ClassType.Name}; one implementation per interface is supported.");
                }

                byInterface[grainInterface] = grainClass;
            }
        }

        classByInterface = byInterface.ToFrozenDictionary();
    }

    public IEnumerable<GrainClassInfo> Classes => classByType.Values;

    public GrainClassInfo GetClass(string grainType) =>
        classByType.TryGetValue(grainType, out var info)
            ? info
            : throw new InvalidOperationException($"No grain class has the grain type '{grainType}'.");

    public GrainInterfaceInfo GetInterface(Type interfaceType) =>
        interfaces.GetOrAdd(interfaceType, static (t, self) => self.BuildInterface(t), this);

    public GrainClassInfo GetClassFor(Type interfaceType) =>
        classByInterface.TryGetValue(interfaceType, out var info)
            ? info
            : throw new InvalidOperationException($"No grain class implements {interfaceType.Name}. Is its assembly added with AddGrains?");

    private static bool IsGrainInterface(Type t) =>
        t.IsInterface && typeof(IGrain).IsAssignableFrom(t) && t != typeof(IGrain) && t != typeof(IGrainWithStringKey)
        && t != typeof(IGrainWithIntegerKey) && t != typeof(IGrainWithGuidKey);

    private GrainInterfaceInfo BuildInterface(Type interfaceType)
    {
        if (!interfaceType.IsInterface || !typeof(IAddressable).IsAssignableFrom(interfaceType))
        {
            throw new ArgumentException($"{interfaceType.Name} is not a grain interface.");
        }

        var methods = new[] { interfaceType }.Concat(interfaceType.GetInterfaces())
            .SelectMany(t => t.GetMethods())
            .Distinct()
            .ToFrozenDictionary(m => m, MethodPlan.Create);

        // The generated proxy type takes its method table in its constructor; cloning a template keeps it.
        var template = (GrainProxy)DispatchProxy.Create(interfaceType, typeof(GrainProxy));
        return new GrainInterfaceInfo(interfaceType, methods, template);
    }
}

internal sealed class GrainInterfaceInfo(Type interfaceType, FrozenDictionary<MethodInfo, MethodPlan> plans, GrainProxy template)
{
    public Type InterfaceType { get; } = interfaceType;

    public MethodPlan GetPlan(MethodInfo method) =>
        plans.TryGetValue(method, out var plan)
            ? plan
            : throw new InvalidOperationException($"{method.Name} is not a method of grain interface {InterfaceType.Name}.");

    public object CreateProxy(GrainReference reference) => template.CloneFor(reference);
}
