using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Data.Hosting;

/// <summary>
/// A silo killed outright still owns its grains until the membership declares it dead (about ProbeTimeout ×
/// MissedProbesLimit). Until then a call to one of them cannot even be sent (its connection is refused) and is rejected
/// (<see cref="OrleansMessageRejectionException"/>): sending it again cannot run it twice, so it is retried, backing off,
/// until the survivors have taken the grain over or the failure-detection time has passed. A call that was sent and whose
/// silo then died (<see cref="SiloUnavailableException"/>, a rejection too) may have run there: it is retried only when it
/// carries a request id its target recognises (<see cref="IResendable"/>), so a repeat is answered, not applied twice. Never
/// retried: one-way calls (nobody waits for them), and calls to system targets and observers (Orleans' own protocols and our
/// relays). Only silos that can have peers (PostgreSQL clustering) install it.
/// </summary>
internal sealed partial class FailoverRetry(IOptions<NodeOptions> options, ILogger<FailoverRetry> log) : IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, bool> OneWay = new();

    private readonly TimeSpan budget = options.Value.ProbeTimeout * (options.Value.MissedProbesLimit + 1) + TimeSpan.FromSeconds(5);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var started = Environment.TickCount64;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await context.Invoke();
                return;
            }
            catch (OrleansMessageRejectionException e) when (
                (e is not SiloUnavailableException || IsResendable(context))
                && !context.TargetId.IsSystemTarget() && !context.TargetId.IsClient()
                && !IsOneWay(context.InterfaceMethod)
                && TimeSpan.FromMilliseconds(Environment.TickCount64 - started) + delay < budget)
            {
                LogRetry(log, context.TargetId, delay.TotalMilliseconds, e.Message);
                await Task.Delay(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private static bool IsResendable(IOutgoingGrainCallContext context)
    {
        var request = context.Request;
        for (var i = 0; i < request.GetArgumentCount(); i++)
        {
            if (request.GetArgument(i) is IResendable { RequestId: not null })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsOneWay(MethodInfo? method) =>
        method is not null && OneWay.GetOrAdd(method, m => m.GetCustomAttribute<OneWayAttribute>() is not null);

    [LoggerMessage(EventId = 121, Level = LogLevel.Debug, Message = "A call to {Grain} was rejected before delivery ({Reason}); sending it again in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, GrainId grain, double delayMs, string reason);
}
