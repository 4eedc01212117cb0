using System.ComponentModel.DataAnnotations;

namespace Command.Grains.Calls;

/// <summary>Live calls (section "Calls").</summary>
public sealed class CallOptions
{
    public const string Section = "Calls";

    /// <summary>How long a call rings before it counts as missed (未接听) and leaves a notice for the callee.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan RingFor { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// How long a side of a live call may show no sign of life (its page's heartbeat, every few seconds, or its connection
    /// back after a drop such as a Wi-Fi↔4G switch) before the call ends as 已结束 (or, while it rings, as 未接听). Counted
    /// from the last heartbeat, or from the moment the connection dropped.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:10:00")]
    public TimeSpan AwayFor { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often a live call's reminder wakes its grain (at least Silo:ReminderMinimumPeriod): after a silo died with the activation, it checks again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
