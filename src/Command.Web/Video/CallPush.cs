using Command.Grains.Calls;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Command.Web.Video;

/// <summary>
/// Tells the sides of a call what the server's clock decided: a call that rang out (the callee's devices stop ringing and
/// get their 未接来电 notice at once, the caller's device hears it ended as <c>missed</c>), and a call ended because the
/// other side went quiet (the remaining device hears it ended, with the reason). Sent from the silo
/// where the call's grain runs; the video hub's lifetime manager carries it to devices on the other silos.
/// </summary>
internal sealed partial class CallPush(IHubContext<VideoHub, IVideoClient> hub, IOptions<CallOptions> options, ILogger<CallPush> log) : ICallFeed
{
    public void CallMissed(CallRecord call, string? callerDevice)
    {
        ArgumentNullException.ThrowIfNull(call);
        _ = SendAsync(call, callerDevice);
    }

    public void CallLost(CallRecord call, string? peerDevice)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (peerDevice is not null)
        {
            _ = SendLostAsync(call, peerDevice);
        }
    }

    private async Task SendLostAsync(CallRecord call, string peerDevice)
    {
        try
        {
            await hub.Clients.Client(peerDevice).Ended(CallView.Of(call, options.Value.RingFor));
        }
        catch (Exception e)
        {
            Failed(log, call.Id, e);
        }
    }

    private async Task SendAsync(CallRecord call, string? callerDevice)
    {
        var view = CallView.Of(call, options.Value.RingFor);
        try
        {
            var callee = hub.Clients.Group(VideoHub.GroupOf(call.Callee));
            await callee.RingStopped(view);
            await callee.Missed(view);
            if (callerDevice is not null)
            {
                await hub.Clients.Client(callerDevice).Ended(view);
            }
        }
        catch (Exception e)
        {
            Failed(log, call.Id, e);
        }
    }

    [LoggerMessage(EventId = 480, Level = LogLevel.Warning, Message = "Could not tell the sides of call {CallId} what the server decided")]
    private static partial void Failed(ILogger logger, string callId, Exception exception);
}
