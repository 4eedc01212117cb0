namespace Command.Grains.Orders;

/// <summary>An order as stored (JSON in <c>orders.payload</c>); the grain changes a copy and keeps it once durable.</summary>
public sealed class OrderState
{
    public string Id { get; set; } = string.Empty;

    public int Version { get; set; }

    public string IssuerUnit { get; set; } = string.Empty;

    public string IssuedBy { get; set; } = string.Empty;

    public string IssuerName { get; set; } = string.Empty;

    public string RegionCode { get; set; } = string.Empty;

    public DateTimeOffset IssuedAt { get; set; }

    public string Text { get; set; } = string.Empty;

    public List<string> CaseCodes { get; set; } = [];

    public double? Lat { get; set; }

    public double? Lon { get; set; }

    public DateTimeOffset SignBy { get; set; }

    public DateTimeOffset FeedbackBy { get; set; }

    public List<OrderTarget> Targets { get; set; } = [];

    public List<OrderAttachment> Attachments { get; set; } = [];

    public bool Open => Targets.Any(t => t.Status != OrderTargetStatus.Reported);

    /// <summary>
    /// When the grain must look again: the sign-for limit while a receiver has neither signed nor been warned; after it, the
    /// report-back limit while a receiver has signed but neither reported back nor been warned. (A receiver that signs after
    /// the report-back limit is warned as it signs.)
    /// </summary>
    public DateTimeOffset? NextDue =>
        Targets.Any(t => t.Status == OrderTargetStatus.Pending && t.WarningId is null) ? SignBy
        : Targets.Any(t => t.Status == OrderTargetStatus.Signed && t.UnreportedId is null) ? FeedbackBy
        : null;
}

public sealed class OrderTarget
{
    private List<string> feedbackRequests = [];

    public string Key { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string RegionCode { get; set; } = string.Empty;

    public OrderTargetStatus Status { get; set; }

    public DateTimeOffset? SignedAt { get; set; }

    public string? SignedBy { get; set; }

    public string? SignedByName { get; set; }

    public DateTimeOffset? FeedbackAt { get; set; }

    public string? FeedbackBy { get; set; }

    public string? FeedbackByName { get; set; }

    public string? FeedbackText { get; set; }

    public List<string> Photos { get; set; } = [];

    /// <summary>
    /// The request ids (Idempotency-Keys) of every report back this receiver sent: any of them again (a resend arriving late,
    /// after a newer report back) is answered, not kept again. State stored before the list holds none (read as empty).
    /// </summary>
    public List<string> FeedbackRequests
    {
        get => feedbackRequests;
        set => feedbackRequests = value ?? [];
    }

    /// <summary>Reads the one key state stored before <see cref="FeedbackRequests"/> into it; never written (always null).</summary>
    public string? FeedbackRequest
    {
        get => null;
        set
        {
            if (value is not null && !feedbackRequests.Contains(value))
            {
                feedbackRequests.Add(value);
            }
        }
    }

    /// <summary>The active 指令未签收 warning, until the receiver signs.</summary>
    public string? WarningId { get; set; }

    /// <summary>The active 指令未反馈 warning, until the receiver reports back.</summary>
    public string? UnreportedId { get; set; }
}
