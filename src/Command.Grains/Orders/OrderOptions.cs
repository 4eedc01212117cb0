using System.ComponentModel.DataAnnotations;

namespace Command.Grains.Orders;

/// <summary>Dispatch orders' limits (section "Orders"); an order may give its own sign-for and report-back times.</summary>
public sealed class OrderOptions
{
    public const string Section = "Orders";

    /// <summary>签收 limit when the issuer gives none.</summary>
    public TimeSpan SignWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>反馈 limit when the issuer gives none, counted from issuing.</summary>
    public TimeSpan FeedbackWithin { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The longest limit an issuer may give.</summary>
    public TimeSpan MaxLimit { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often an order's reminder repeats while a limit is pending (at least Silo:ReminderMinimumPeriod).</summary>
    public TimeSpan ReminderRetry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most receivers one order may have.</summary>
    [Range(1, 500)]
    public int MaxTargets { get; set; } = 100;
}
