using Command.Grains.Calls;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Command.Web.Video;

/// <summary>
/// Tells the two sides of a call that rang out on the server's clock: the callee's devices stop ringing and get their
/// 未接来电 notice at once, and the caller's device that the call ended (as <c>missed</c>). Sent from the silo
/// where the call's grain runs; the video hub's lifetime manager carries it to devices on the other silos.
/// </summary>
internal sealed partial class CallPush(IHubContext<VideoHub, IVideoClient> hub, IOptions<CallOptions> options, ILogger<CallPush> log) : ICallFeed
{
    public void CallMissed(CallRecord call, string? callerDevice)
    {
        ArgumentNullException.ThrowIfNull(call);
        _ = SendAsync(call, callerDevice);
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

    [LoggerMessage(EventId = 480, Level = LogLevel.Warning, Message = "Could not tell the sides of call {CallId} that it rang out")]
    private static partial void Failed(ILogger logger, string callId, Exception exception);
}
