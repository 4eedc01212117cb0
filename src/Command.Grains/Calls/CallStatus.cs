namespace Command.Grains.Calls;

/// <summary>Where a call stands. Ringing and connected are live; the other three are final.</summary>
public enum CallStatus
{
    /// <summary>响铃中: the callee's phone or console rings.</summary>
    Ringing,

    /// <summary>通话中.</summary>
    Connected,

    /// <summary>已结束: connected, then hung up by either side.</summary>
    Ended,

    /// <summary>未接听: nobody accepted before the ringing ran out or the caller gave up.</summary>
    Missed,

    /// <summary>已拒接.</summary>
    Declined,
}

/// <summary>The wire names and the Chinese labels of <see cref="CallStatus"/>, defined once.</summary>
public static class CallStatusNames
{
    public static string Wire(this CallStatus status) => status switch
    {
        CallStatus.Ringing => "ringing",
        CallStatus.Connected => "connected",
        CallStatus.Ended => "ended",
        CallStatus.Missed => "missed",
        _ => "declined",
    };

    public static string ToChinese(this CallStatus status) => status switch
    {
        CallStatus.Ringing => "响铃中",
        CallStatus.Connected => "通话中",
        CallStatus.Ended => "已结束",
        CallStatus.Missed => "未接听",
        _ => "已拒接",
    };

    public static bool IsLive(this CallStatus status) => status is CallStatus.Ringing or CallStatus.Connected;

    public static bool TryParse(string? text, out CallStatus status) => Cases.CaseNames.TryParseWire(text, Wire, out status);
}

/// <summary>Why the system ended a live call: one side's device stopped showing signs of life (no heartbeat, no reconnect) for longer than <see cref="CallOptions.AwayFor"/>.</summary>
public static class CallEndReasons
{
    /// <summary>The caller's device went quiet: a dead silo, a lost network, a page gone without hanging up.</summary>
    public const string CallerLost = "caller-lost";

    /// <summary>The answering device went quiet.</summary>
    public const string CalleeLost = "callee-lost";

    public static string? ToChinese(string? reason) => reason switch
    {
        CallerLost => "主叫网络中断",
        CalleeLost => "被叫网络中断",
        _ => null,
    };
}
