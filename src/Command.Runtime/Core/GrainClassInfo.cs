using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Runtime.Core;

/// <summary>A grain class: its grain type name, whether it is reentrant, and how to construct it.</summary>
internal sealed class GrainClassInfo
{
    private readonly ConstructorInfo constructor;
    private readonly ParameterInfo[] parameters;

    public GrainClassInfo(Type classType)
    {
        ClassType = classType;
        GrainType = classType.GetCustomAttribute<GrainTypeAttribute>()?.GrainType ?? DefaultGrainType(classType);
        Reentrant = classType.IsDefined(typeof(ReentrantAttribute), inherit: true);
        CollectionAge = classType.GetCustomAttribute<CollectionAgeLimitAttribute>()?.Amount;
        IsRemindable = typeof(IRemindable).IsAssignableFrom(classType);
        var constructors = classType.GetConstructors();
        if (constructors.Length == 0)
        {
            throw new InvalidOperationException($"Grain class {classType.Name} has no public constructor.");
        }

        constructor = constructors.OrderByDescending(c => c.GetParameters().Length).First();
        parameters = constructor.GetParameters();
        foreach (var parameter in parameters.Where(p => p.IsDefined(typeof(PersistentStateAttribute))))
        {
            if (!parameter.ParameterType.IsGenericType || parameter.ParameterType.GetGenericTypeDefinition() != typeof(IPersistentState<>))
            {
                throw new InvalidOperationException(
                    $"{classType.Name}: [PersistentState] parameter '{parameter.Name}' must be IPersistentState<T>.");
            }

            var stateType = parameter.ParameterType.GetGenericArguments()[0];
            if (!stateType.IsValueType && stateType.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new InvalidOperationException(
                    $"{classType.Name}: state type {stateType.Name} needs a parameterless constructor for the empty state.");
            }
        }
    }

    public Type ClassType { get; }

    public string GrainType { get; }

    public bool Reentrant { get; }

    public bool IsRemindable { get; }

    public TimeSpan? CollectionAge { get; }

    /// <summary>Constructs the grain for <paramref name="activation"/>, injecting services and persistent states.</summary>
    public Grain CreateInstance(IServiceProvider services, Activation activation, List<IStorage> states)
    {
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var stateAttribute = parameter.GetCustomAttribute<PersistentStateAttribute>();
            if (stateAttribute is not null)
            {
                var state = PersistentStateFactory.Create(parameter.ParameterType.GetGenericArguments()[0], stateAttribute, activation.Id, services);
                states.Add(state);
                arguments[i] = state;
            }
            else
            {
                arguments[i] = services.GetService(parameter.ParameterType)
                    ?? (parameter.HasDefaultValue
                        ? parameter.DefaultValue
                        : throw new InvalidOperationException(
                            $"{ClassType.Name}: no service of type {parameter.ParameterType.Name} for constructor parameter '{parameter.Name}'."));
            }
        }

        Grain.Constructing = activation;
        try
        {
            return (Grain)constructor.Invoke(arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
        finally
        {
            Grain.Constructing = null;
        }
    }

    private static string DefaultGrainType(Type classType)
    {
        var name = classType.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }
}

internal static class PersistentStateFactory
{
    public static IStorage Create(Type stateType, PersistentStateAttribute attribute, GrainId grainId, IServiceProvider services)
    {
        var storageName = attribute.StorageName ?? StorageNames.Default;
        var storage = services.GetKeyedService<IGrainStorage>(storageName)
            ?? throw new InvalidOperationException($"No grain storage named '{storageName}' is registered (state '{attribute.StateName}' of {grainId}).");
        var type = typeof(Storage.PersistentState<>).MakeGenericType(stateType);
        return (IStorage)Activator.CreateInstance(type, attribute.StateName, grainId, storage)!;
    }
}
