namespace Command.Grains.Calls;

/// <summary>
/// The call's state machine as pure functions: each takes the call as it is and answers the call as it would be, or
/// null when the step is not allowed. Ringing goes to connected, declined or missed; connected goes to ended.
/// </summary>
public static class CallMachine
{
    public const string System = "system";

    public static CallRecord Ring(string id, CallRing ring, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(ring);
        return new CallRecord(
            id, CallStatus.Ringing, ring.Caller, ring.CallerName, ring.Callee, ring.CalleeName, ring.CalleeRegion, null, ring.CaseCode, ring.OrderId,
            at, null, null, null);
    }

    /// <summary>The ringing ran out: missed, as of the moment it ran out.</summary>
    public static CallRecord? Expire(CallRecord call, DateTimeOffset at, TimeSpan ringFor)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Status == CallStatus.Ringing && at >= call.StartedAt + ringFor
            ? call with { Status = CallStatus.Missed, EndedAt = call.StartedAt + ringFor, EndedBy = System }
            : null;
    }

    /// <summary>Someone of the called party (<paramref name="party"/>) answers while it rings.</summary>
    public static CallRecord? Accept(CallRecord call, string user, string party, DateTimeOffset at) =>
        IsCallee(call, party) && call.Status == CallStatus.Ringing
            ? call with { Status = CallStatus.Connected, AnsweredBy = user, ConnectedAt = at }
            : null;

    public static CallRecord? Decline(CallRecord call, string user, string party, DateTimeOffset at) =>
        IsCallee(call, party) && call.Status == CallStatus.Ringing
            ? call with { Status = CallStatus.Declined, AnsweredBy = user, EndedAt = at, EndedBy = user }
            : null;

    /// <summary>
    /// 挂断: the caller giving up while it rings makes it missed; either talker ends a connected call. Only the two who talk
    /// may: another member of the called unit may not hang up a call someone else answered.
    /// </summary>
    public static CallRecord? HangUp(CallRecord call, string user, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Status switch
        {
            CallStatus.Ringing when user == call.Caller => call with { Status = CallStatus.Missed, EndedAt = at, EndedBy = user },
            CallStatus.Connected when user == call.Caller || user == call.AnsweredBy => call with { Status = CallStatus.Ended, EndedAt = at, EndedBy = user },
            _ => null,
        };
    }

    /// <summary>
    /// A side's device showed no sign of life since <paramref name="lastSeen"/> (<paramref name="reason"/> says which side):
    /// a connected call ended then, by the system; one still ringing (the caller gone) is missed, with its notice.
    /// </summary>
    public static CallRecord? Lose(CallRecord call, string reason, DateTimeOffset lastSeen)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Status switch
        {
            CallStatus.Ringing when reason == CallEndReasons.CallerLost =>
                call with { Status = CallStatus.Missed, EndedAt = Latest(lastSeen, call.StartedAt), EndedBy = System, EndReason = reason },
            CallStatus.Connected => call with { Status = CallStatus.Ended, EndedAt = Latest(lastSeen, call.ConnectedAt!.Value), EndedBy = System, EndReason = reason },
            _ => null,
        };
    }

    /// <summary>The callee saw the missed call's notice.</summary>
    public static CallRecord? See(CallRecord call, string party, DateTimeOffset at) =>
        IsCallee(call, party) && call.Status == CallStatus.Missed && call.SeenAt is null ? call with { SeenAt = at } : null;

    /// <summary>Whether <paramref name="user"/> (of <paramref name="party"/>) is one of the call's parties at all.</summary>
    public static bool IsParty(CallRecord call, string user, string party)
    {
        ArgumentNullException.ThrowIfNull(call);
        return user == call.Caller || user == call.AnsweredBy || (call.Status == CallStatus.Ringing || call.Status == CallStatus.Missed) && IsCallee(call, party);
    }

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static bool IsCallee(CallRecord call, string party)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Callee == party;
    }
}
