using System.Linq.Expressions;
using System.Reflection;
using Command.Runtime.Diagnostics;

namespace Command.Runtime.Core;

/// <summary>How one grain interface method is called: its interleaving flags, and a compiled invoker.</summary>
internal abstract class MethodPlan
{
    protected MethodPlan(MethodInfo method)
    {
        Method = method;
        Name = $"{method.DeclaringType!.Name}.{method.Name}";
        AlwaysInterleave = method.IsDefined(typeof(AlwaysInterleaveAttribute), inherit: true);
        ReadOnly = method.IsDefined(typeof(ReadOnlyAttribute), inherit: true);
        OneWay = method.IsDefined(typeof(OneWayAttribute), inherit: true);
        Invoker = CompileInvoker(method);
    }

    public MethodInfo Method { get; }

    public string Name { get; }

    public bool AlwaysInterleave { get; }

    public bool ReadOnly { get; }

    public bool OneWay { get; }

    /// <summary>Calls the method on a grain instance; a ValueTask result is turned into a Task.</summary>
    public Func<object, object?[], Task> Invoker { get; }

    /// <summary>Queues a call to <paramref name="target"/> and returns what the interface method returns.</summary>
    public abstract object Send(GrainReference target, object?[] args);

    public static MethodPlan Create(MethodInfo method)
    {
        if (method.IsGenericMethodDefinition)
        {
            throw new NotSupportedException($"Grain method {method.DeclaringType?.Name}.{method.Name} is generic; grain methods cannot be generic here.");
        }

        if (method.GetParameters().Any(p => p.ParameterType.IsByRef))
        {
            throw new NotSupportedException($"Grain method {method.DeclaringType?.Name}.{method.Name} has a ref or out parameter.");
        }

        var returnType = method.ReturnType;
        var (kind, resultType) = returnType switch
        {
            _ when returnType == typeof(Task) => (ReturnKind.Task, typeof(object)),
            _ when returnType == typeof(ValueTask) => (ReturnKind.ValueTask, typeof(object)),
            { IsGenericType: true } when returnType.GetGenericTypeDefinition() == typeof(Task<>) => (ReturnKind.TaskOfT, returnType.GetGenericArguments()[0]),
            { IsGenericType: true } when returnType.GetGenericTypeDefinition() == typeof(ValueTask<>) => (ReturnKind.ValueTaskOfT, returnType.GetGenericArguments()[0]),
            _ => throw new NotSupportedException(
                $"Grain method {method.DeclaringType?.Name}.{method.Name} returns {returnType.Name}; grain methods return Task, Task<T>, ValueTask or ValueTask<T>."),
        };

        var planType = typeof(MethodPlan<>).MakeGenericType(resultType);
        return (MethodPlan)Activator.CreateInstance(planType, method, kind)!;
    }

    private static Func<object, object?[], Task> CompileInvoker(MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var parameters = method.GetParameters()
            .Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        Expression call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, parameters);
        if (call.Type == typeof(ValueTask) || (call.Type.IsGenericType && call.Type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            call = Expression.Call(call, call.Type.GetMethod(nameof(ValueTask.AsTask))!);
        }

        return Expression.Lambda<Func<object, object?[], Task>>(Expression.Convert(call, typeof(Task)), grain, args).Compile();
    }

    internal enum ReturnKind
    {
        Task,
        TaskOfT,
        ValueTask,
        ValueTaskOfT,
    }
}

internal sealed class MethodPlan<T>(MethodInfo method, MethodPlan.ReturnKind kind) : MethodPlan(method)
{
    private readonly bool hasResult = kind is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT;

    public override object Send(GrainReference target, object?[] args)
    {
        var request = new Request<T>(this, args, hasResult);
        target.Runtime.Send(target, request);
        if (OneWay)
        {
            // Nobody awaits a one-way call: its failure is logged instead.
            request.Task.ContinueWith(
                static (task, state) => ((GrainReference)state!).Runtime.Log.OneWayFailed(task.Exception!.InnerException!, ((GrainReference)state!).Id),
                target,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return kind switch
            {
                ReturnKind.Task => Task.CompletedTask,
                ReturnKind.ValueTask => default(ValueTask),
                ReturnKind.TaskOfT => Task.FromResult<T>(default!),
                _ => new ValueTask<T>(default(T)!),
            };
        }

        return kind switch
        {
            ReturnKind.Task or ReturnKind.TaskOfT => request.Task,
            ReturnKind.ValueTask => new ValueTask(request.Task),
            _ => new ValueTask<T>(request.Task),
        };
    }
}
