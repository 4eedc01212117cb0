namespace Command.Grains.Calls;

/// <summary>
/// Where a call grain tells the two sides a step nobody asked for over the hub: the ringing ran out on the server's clock
/// (the caller's page stopped counting, or the grain woke later). Called after the step is durable; must not block.
/// </summary>
public interface ICallFeed
{
    /// <summary>The call went unanswered: the callee's devices stop ringing and show 未接来电; the caller's device is told it ended.</summary>
    void CallMissed(CallRecord call, string? callerDevice);

    /// <summary>
    /// A connected call ended because one side went quiet: the other side's device (when known) is told it ended at once;
    /// should that push be lost, the answer to its next heartbeat tells it (a few seconds later).
    /// </summary>
    void CallLost(CallRecord call, string? peerDevice);
}

/// <summary>The feed when nothing is attached (grain tests, tools).</summary>
internal sealed class NoCallFeed : ICallFeed
{
    public void CallMissed(CallRecord call, string? callerDevice)
    {
    }

    public void CallLost(CallRecord call, string? peerDevice)
    {
    }
}
