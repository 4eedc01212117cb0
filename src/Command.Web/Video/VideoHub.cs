using Command.Grains.Calls;
using Command.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Orleans;

namespace Command.Web.Video;

/// <summary>
/// Signalling for live calls. A connection rings for its own party only (its grid worker or its unit). Every step asks
/// the call's grain, which knows the two talkers' devices: an offer, answer or candidate goes to the other talker of that
/// call and nobody else, and anyone else hears "通话不存在或已结束" whether the call exists or not. Refusals change nothing.
/// </summary>
/// <remarks>Devices may be connected to any silo: the hub's lifetime manager (<c>ClusterHubLifetimeManager</c>) carries every send to the others.</remarks>
[Authorize]
internal sealed partial class VideoHub(
    IGrainFactory grains, CallTargets targets, CallStore store, IOptions<CallOptions> options, IVideoRoom rooms, ConferenceRelay relay, TimeProvider time) : Hub<IVideoClient>
{
    private const string CallsKey = "calls";
    private const int MaxSignal = 64 * 1024;
    private static readonly CallResult Gone = CallResult.Fail("not_found", "通话不存在或已结束");

    public static string GroupOf(string party) => $"video:{party}";

    /// <summary>Starts ringing here for this connection's party; answers what rings there now and the missed calls not yet seen.</summary>
    public async Task<VideoWatchResult> Watch()
    {
        if (CallTargets.PartyOf(Context.User!) is not { } party)
        {
            return VideoWatchResult.Fail("forbidden", "您的账号不能使用视频通话");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(party));
        // A row still ringing past its time belongs to a call whose grain has not run out yet (a silo stopped meanwhile).
        var ringFor = options.Value.RingFor;
        var now = time.GetUtcNow();
        var ringing = (await store.RingingAsync(party)).Where(c => c.StartedAt + ringFor > now);
        var missed = await store.UnseenMissedAsync(party);
        return new VideoWatchResult(true, null, party, [.. ringing.Select(c => CallView.Of(c, ringFor))], [.. missed.Select(c => CallView.Of(c, ringFor))]);
    }

    /// <summary>Calls a grid worker or a unit: their devices ring. Refused (nothing rings) for a target the caller may not reach.</summary>
    public async Task<CallResult> Call(CallRequest request)
    {
        var (target, refusal) = targets.Resolve(Context.User!, request);
        if (target is null)
        {
            return refusal!;
        }

        if (await UnseenLinkAsync(request.CaseCode, request.OrderId) is { } unseen)
        {
            return unseen;
        }

        var user = Context.User!;
        var id = Guid.NewGuid().ToString("N");
        var outcome = await grains.GetGrain<ICallGrain>(id).RingAsync(new CallRing(
            user.UserName(), user.Profile().DisplayName, Context.ConnectionId, target.Party, target.Name, target.Region, request.CaseCode, request.OrderId));
        if (!outcome.Ok)
        {
            return CallResult.Fail("conflict", "呼叫失败，请重试");
        }

        Hold(id);
        var view = View(outcome.Call!);
        await Clients.Group(GroupOf(target.Party)).Ring(view);
        return CallResult.Of(view);
    }

    /// <summary>
    /// A call may be about a case or an order only when the caller may see it: the link shows on the callee's ring, in the
    /// audit log and in that case's call log. One out of sight is refused exactly like one that does not exist.
    /// </summary>
    private async Task<CallResult?> UnseenLinkAsync(string? caseCode, string? orderId)
    {
        var user = Context.User!;
        var seen = (caseCode is null || await Api.AttachmentsApi.VisibleCaseAsync(caseCode, user, grains) is not null)
            && (orderId is null || await Api.OrdersApi.VisibleOrderAsync(orderId, user, grains) is not null);
        return seen ? null : CallResult.Fail("not_found", "关联的案件或调度指令不存在");
    }

    public async Task<CallResult> Accept(string callId)
    {
        if (!IsId(callId) || CallTargets.PartyOf(Context.User!) is not { } party)
        {
            return Gone;
        }

        var outcome = await Grain(callId).AcceptAsync(Context.User!.UserName(), party, Context.ConnectionId);
        if (Refused(outcome) is { } refused)
        {
            return refused;
        }

        Hold(callId);
        var view = View(outcome.Call!);
        await Clients.GroupExcept(GroupOf(party), Context.ConnectionId).RingStopped(view);
        if (outcome.PeerDevice is { } caller)
        {
            await Clients.Client(caller).Accepted(view);
        }

        return CallResult.Of(view);
    }

    public async Task<CallResult> Decline(string callId)
    {
        if (!IsId(callId) || CallTargets.PartyOf(Context.User!) is not { } party)
        {
            return Gone;
        }

        var outcome = await Grain(callId).DeclineAsync(Context.User!.UserName(), party);
        if (Refused(outcome) is { } refused)
        {
            return refused;
        }

        var view = View(outcome.Call!);
        await Clients.GroupExcept(GroupOf(party), Context.ConnectionId).RingStopped(view);
        if (outcome.PeerDevice is { } caller)
        {
            await Clients.Client(caller).Ended(view);
        }

        return CallResult.Of(view);
    }

    /// <summary>挂断 (or, while it still rings, the caller gives up: a missed call with a notice for the callee).</summary>
    public async Task<CallResult> HangUp(string callId) => IsId(callId) ? await HangUpAsync(callId) : Gone;

    /// <summary>Relays an offer, answer or candidate to the other talker of the call, and to nobody else.</summary>
    public async Task<CallResult> Signal(string callId, SignalMessage message)
    {
        if (!IsId(callId) || message is null || message.Kind is not ("offer" or "answer" or "candidate")
            || message.Data is null || message.Data.Length > MaxSignal)
        {
            return CallResult.Fail("invalid", "信令格式错误");
        }

        var outcome = await Grain(callId).PeerAsync(Context.User!.UserName(), Context.ConnectionId);
        if (!outcome.Ok)
        {
            return Gone;
        }

        await Clients.Client(outcome.PeerDevice!).Signal(callId, message);
        return CallResult.Of(View(outcome.Call!));
    }

    /// <summary>The callee read a missed call's notice (知道了).</summary>
    public async Task<CallResult> Seen(string callId)
    {
        if (!IsId(callId) || CallTargets.PartyOf(Context.User!) is not { } party)
        {
            return Gone;
        }

        var outcome = await Grain(callId).SeeAsync(Context.User!.UserName(), party);
        return Refused(outcome) ?? CallResult.Of(View(outcome.Call!));
    }

    /// <summary>
    /// 心跳: the page of a talker is alive, every few seconds while a call is up. Answers the call as it stands: a page whose
    /// other side went quiet (its silo died, its network is gone) learns here that the call ended.
    /// </summary>
    public async Task<CallResult> Beat(string callId)
    {
        if (!IsId(callId))
        {
            return Gone;
        }

        var outcome = await Grain(callId).BeatAsync(Context.User!.UserName(), Context.ConnectionId);
        return outcome.Ok ? CallResult.Of(View(outcome.Call!)) : Gone;
    }

    /// <summary>
    /// The page is back on a new connection (after a network switch or a lost silo) and takes its side of the call up again:
    /// signalling goes to this connection from now on. Refused as for no call to anyone but that side's user.
    /// </summary>
    public async Task<CallResult> Resume(string callId)
    {
        if (!IsId(callId))
        {
            return Gone;
        }

        var outcome = await Grain(callId).ResumeAsync(Context.User!.UserName(), Context.ConnectionId);
        if (!outcome.Ok)
        {
            return Gone;
        }

        if (outcome.Call!.Status.IsLive())
        {
            Hold(callId);
        }

        // The other side's offers sent meanwhile went nowhere: it offers again (an ICE restart) to this connection.
        if (outcome.Call.Status == CallStatus.Connected && outcome.PeerDevice is { } peer)
        {
            await Clients.Client(peer).PeerBack(callId);
        }

        return CallResult.Of(View(outcome.Call));
    }

    /// <summary>
    /// A device whose connection ends is only away from the calls it held: a broken connection (a Wi-Fi↔4G switch, a dead
    /// proxy) and a closed one look alike here, so the call goes on for Calls:AwayFor, for the page to reconnect and
    /// <see cref="Resume"/>; then it ends by the clock (a ringing call it placed as missed). A page that closes hangs up
    /// itself first.
    /// </summary>
    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(CallsKey, out var held) && held is HashSet<string> calls)
        {
            foreach (var id in calls.ToArray())
            {
                try
                {
                    await Grain(id).AwayAsync(Context.User!.UserName(), Context.ConnectionId);
                }
                catch (Exception)
                {
                    // The call then ends when this side's beats are missed; nothing more to do here.
                }
            }
        }

        await LeaveConferencesAsync();
        await base.OnDisconnectedAsync(exception);
    }

    private async Task<CallResult> HangUpAsync(string callId)
    {
        var outcome = await Grain(callId).HangUpAsync(Context.User!.UserName());
        if (Refused(outcome) is { } refused)
        {
            return refused;
        }

        Release(callId);
        var call = outcome.Call!;
        var view = View(call);
        if (outcome.PeerDevice is { } peer)
        {
            await Clients.Client(peer).Ended(view);
        }

        if (call.Status == CallStatus.Missed)
        {
            await Clients.Group(GroupOf(call.Callee)).RingStopped(view);
            await Clients.Group(GroupOf(call.Callee)).Missed(view);
        }

        return CallResult.Of(view);
    }

    private static CallResult? Refused(CallOutcome outcome) => outcome.Refusal switch
    {
        CallRefusal.None => null,
        CallRefusal.Conflict when outcome.Call is { Status: CallStatus.Connected } => CallResult.Fail("conflict", "已在其他设备接听"),
        CallRefusal.Conflict => CallResult.Fail("conflict", $"通话{outcome.Call?.Status.ToChinese() ?? "已结束"}"),
        _ => Gone,
    };

    private ICallGrain Grain(string callId) => grains.GetGrain<ICallGrain>(callId);

    private CallView View(CallRecord call) => CallView.Of(call, options.Value.RingFor);

    private void Hold(string callId)
    {
        if (!Context.Items.TryGetValue(CallsKey, out var held) || held is not HashSet<string> calls)
        {
            Context.Items[CallsKey] = calls = [];
        }

        calls.Add(callId);
    }

    private void Release(string callId)
    {
        if (Context.Items.TryGetValue(CallsKey, out var held) && held is HashSet<string> calls)
        {
            calls.Remove(callId);
        }
    }

    /// <summary>A call id is 32 lowercase hex digits (a GUID without dashes); anything else is no call.</summary>
    private static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);
}
