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
