using System.ComponentModel.DataAnnotations;

namespace Command.Grains.Calls;

/// <summary>Live calls (section "Calls").</summary>
public sealed class CallOptions
{
    public const string Section = "Calls";

    /// <summary>How long a call rings before it counts as missed (未接听) and leaves a notice for the callee.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan RingFor { get; set; } = TimeSpan.FromSeconds(45);
}
