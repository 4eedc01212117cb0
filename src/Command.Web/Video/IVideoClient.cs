using Command.Grains.Calls;
using Command.Web.Live;

namespace Command.Web.Video;

/// <summary>What the video hub calls on a browser (the JS client's method names are the same).</summary>
public interface IVideoClient : ILiveSessionClient
{
    /// <summary>Someone calls this party: the phone or console rings.</summary>
    Task Ring(CallView call);

    /// <summary>The ringing stopped here: answered on another device, declined, or the caller gave up.</summary>
    Task RingStopped(CallView call);

    /// <summary>To the caller: the callee accepted; the caller sends the offer.</summary>
    Task Accepted(CallView call);

    /// <summary>The call is over (hung up, declined, missed); the window closes.</summary>
    Task Ended(CallView call);

    /// <summary>A missed call's notice for the callee (未接来电).</summary>
    Task Missed(CallView call);

    /// <summary>The other side's offer, answer or ICE candidate.</summary>
    Task Signal(string callId, SignalMessage message);

    /// <summary>The other talker is back on a new connection: signalling sent while it was away was lost, so offer again (ICE restart).</summary>
    Task PeerBack(string callId);

    /// <summary>An invitation to a conference (视频会商): the console or phone rings with 加入.</summary>
    Task ConferenceInvite(ConferenceView conference);

    /// <summary>A participant's media is up in the conference: subscribe to the feed.</summary>
    Task FeedJoined(string conferenceId, long feed, string display);

    /// <summary>A participant left the conference: drop the feed's tile.</summary>
    Task FeedLeft(string conferenceId, long feed);

    /// <summary>The host ended the conference.</summary>
    Task ConferenceEnded(string conferenceId);
}

/// <summary>What a browser asks for a conference: 2–5 others (worker-{id} or unit ids), optionally about a case or an order.</summary>
public sealed record ConferenceRequest(IReadOnlyList<string> Targets, string? CaseCode = null, string? OrderId = null);

/// <summary>A conference as browsers see it (the SFU's room stays on the server).</summary>
public sealed record ConferenceView(string Id, string HostName, IReadOnlyList<string> Invited, IReadOnlyList<string> Members, string? CaseCode, string? OrderId)
{
    public static ConferenceView Of(Grains.Calls.ConferenceRecord c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Id, c.HostName, [.. c.Invited.Select(p => p.Name)], [.. c.Members.Select(m => m.Name)], c.CaseCode, c.OrderId);
    }
}

/// <summary>The answer to a conference call of the hub: a value, or a typed error that changed nothing.</summary>
public sealed record ConferenceResult(bool Ok, HubError? Error, ConferenceView? Conference = null, MediaAnswer? Media = null)
{
    public static ConferenceResult Fail(string code, string message) => new(false, new HubError(code, message));
}

/// <summary>
/// The SFU's side of one peer connection: a publication (its answer, its feed and the feeds already there) or a
/// subscription (its offer). <see cref="Handle"/> names the peer connection in Trickle and StartSubscription.
/// </summary>
public sealed record MediaAnswer(long Handle, string Sdp, long? Feed = null, IReadOnlyList<FeedView>? Others = null);

public sealed record FeedView(long Feed, string Display);

/// <summary>An offer or answer (SDP in <see cref="Data"/>) or one ICE candidate (its JSON in <see cref="Data"/>).</summary>
public sealed record SignalMessage(string Kind, string Data);

/// <summary>What a browser asks to call: a grid worker (<c>worker-{id}</c>) or a township center or village (its unit id), optionally about a case or an order.</summary>
public sealed record CallRequest(string Target, string? CaseCode = null, string? OrderId = null);

/// <summary>A call as browsers see it; labels come from the server (<see cref="EndReasonName"/>: why the system ended it, e.g. 被叫网络中断).</summary>
public sealed record CallView(
    string Id, string Status, string StatusName, string CallerName, string CalleeName, string? CaseCode, string? OrderId,
    long StartedAt, long? ConnectedAt, long? EndedAt, int DurationSeconds, long RingForMs, string? EndReasonName = null)
{
    public static CallView Of(CallRecord call, TimeSpan ringFor)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new(
            call.Id, call.Status.Wire(), call.Status.ToChinese(), call.CallerName, call.CalleeName, call.CaseCode, call.OrderId,
            call.StartedAt.ToUnixTimeMilliseconds(), call.ConnectedAt?.ToUnixTimeMilliseconds(), call.EndedAt?.ToUnixTimeMilliseconds(),
            (int)call.Duration.TotalSeconds, (long)ringFor.TotalMilliseconds, CallEndReasons.ToChinese(call.EndReason));
    }
}

/// <summary>The answer to a hub call: the call, or a typed error that changed nothing.</summary>
public sealed record CallResult(bool Ok, HubError? Error, CallView? Call)
{
    public static CallResult Of(CallView call) => new(true, null, call);

    public static CallResult Fail(string code, string message) => new(false, new HubError(code, message), null);
}

/// <summary>The answer to <c>Watch</c>: who this connection answers for, calls ringing there now, and missed calls not yet seen.</summary>
public sealed record VideoWatchResult(bool Ok, HubError? Error, string? Party, IReadOnlyList<CallView> Ringing, IReadOnlyList<CallView> Missed)
{
    public static VideoWatchResult Fail(string code, string message) => new(false, new HubError(code, message), null, [], []);
}
