using Orleans;

namespace Command.Grains.Calls;

/// <summary>
/// One call as the log keeps it: who called whom (a grid worker <c>worker-{id}</c> or a unit), who answered, what case or
/// order it was about, and when it rang, connected and ended. <see cref="EndReason"/> says why the system ended it (a side
/// that stopped showing signs of life: <see cref="CallEndReasons"/>); null when a person did.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CallRecord(
    string Id,
    CallStatus Status,
    string Caller,
    string CallerName,
    string Callee,
    string CalleeName,
    string CalleeRegion,
    string? AnsweredBy,
    string? CaseCode,
    string? OrderId,
    DateTimeOffset StartedAt,
    DateTimeOffset? ConnectedAt,
    DateTimeOffset? EndedAt,
    string? EndedBy,
    DateTimeOffset? SeenAt = null,
    string? EndReason = null)
{
    /// <summary>How long the two talked: from connecting to hanging up (zero for a call that never connected).</summary>
    public TimeSpan Duration => ConnectedAt is { } from && EndedAt is { } to && to > from ? to - from : TimeSpan.Zero;
}

/// <summary>Starts a call: the caller (and the device, a live connection, that holds it) and the callee as the web layer resolved it.</summary>
[GenerateSerializer, Immutable]
public sealed record CallRing(
    string Caller, string CallerName, string CallerDevice, string Callee, string CalleeName, string CalleeRegion, string? CaseCode, string? OrderId);

/// <summary>Why a call grain refused; a refusal changes nothing.</summary>
public enum CallRefusal
{
    None,

    /// <summary>No such call, or the asker is not one of its parties: the two answer alike.</summary>
    NotFound,

    /// <summary>The call is not in a state that allows it (answered on another device, already over).</summary>
    Conflict,
}

/// <summary>What a call grain answers: the call after the change, and the other side's device where there is one.</summary>
[GenerateSerializer, Immutable]
public sealed record CallOutcome(CallRefusal Refusal, CallRecord? Call, string? PeerDevice = null)
{
    public bool Ok => Refusal == CallRefusal.None;

    public static CallOutcome Done(CallRecord call, string? peer = null) => new(CallRefusal.None, call, peer);

    public static readonly CallOutcome NotFound = new(CallRefusal.NotFound, null);

    public static CallOutcome Conflict(CallRecord call) => new(CallRefusal.Conflict, call);
}
