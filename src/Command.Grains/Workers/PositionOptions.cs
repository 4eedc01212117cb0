using System.ComponentModel.DataAnnotations;

namespace Command.Grains.Workers;

/// <summary>Rules for positions and presence (section "Positions").</summary>
public sealed class PositionOptions
{
    public const string Section = "Positions";

    /// <summary>A worker with no position for this long is 离线 (offline).</summary>
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A worker who moved within this window is 巡查中 (patrolling); otherwise 在岗.</summary>
    public TimeSpan PatrolWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gaps between positions up to this long count as online time (patrol hours).</summary>
    public TimeSpan OnlineGap { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How far in the future a device clock may be.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The oldest position accepted (phones upload what they buffered while offline).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How far outside the worker's county (its bounding box) a position may be, in kilometres.</summary>
    [Range(0, 1000)]
    public double MaxKilometresOutsideCounty { get; set; } = 20;

    /// <summary>The most positions one batch request may carry.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 10_000;

    /// <summary>Positions waiting for the disk beyond this are refused with 503 (the disk cannot keep up).</summary>
    [Range(1000, 10_000_000)]
    public int MaxPending { get; set; } = 500_000;
}
