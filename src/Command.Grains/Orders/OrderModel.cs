using Command.Grains.Cases;
using Orleans;
using Orleans.Concurrency;

namespace Command.Grains.Orders;

/// <summary>Where one receiver of an order stands: 待签收, 已签收, 已反馈.</summary>
public enum OrderTargetStatus
{
    Pending,
    Signed,
    Reported,
}

/// <summary>A step of an order's history (stored by its wire name).</summary>
public enum OrderAction
{
    /// <summary>下达: issued to its receivers.</summary>
    Issue,

    /// <summary>签收: a receiver acknowledged it.</summary>
    Sign,

    /// <summary>反馈: a receiver reported back.</summary>
    Feedback,

    /// <summary>未签收预警: a receiver's sign-for limit passed.</summary>
    Unsigned,

    /// <summary>未反馈预警: a receiver signed but its report-back limit passed.</summary>
    Unreported,
}

public static class OrderNames
{
    public static string ToChinese(this OrderTargetStatus status) => status switch
    {
        OrderTargetStatus.Pending => "待签收",
        OrderTargetStatus.Signed => "已签收",
        _ => "已反馈",
    };

    public static string Wire(this OrderAction action) => action switch
    {
        OrderAction.Issue => "issue",
        OrderAction.Sign => "sign",
        OrderAction.Feedback => "feedback",
        OrderAction.Unreported => "unreported",
        _ => "unsigned",
    };

    public static bool TryParse(string? text, out OrderAction action) => CaseNames.TryParseWire(text, Wire, out action);

    public static string ToChinese(this OrderAction action) => action switch
    {
        OrderAction.Issue => "下达",
        OrderAction.Sign => "签收",
        OrderAction.Feedback => "反馈",
        OrderAction.Unreported => "超时未反馈",
        _ => "超时未签收",
    };
}

/// <summary>A receiver as the issuer picked it: a unit id or worker-{id}, its name and the region it works in.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderTargetRef(string Key, string Name, string RegionCode);

/// <summary>A file the issuer attached to an order (stored with the attachments; <see cref="Url"/> serves it to those who see the order).</summary>
[GenerateSerializer, Immutable]
public sealed record OrderAttachment(string Id, string Name, string ContentType, long Size, string Url);

/// <summary>
/// A new order (调度指令), its receivers already checked against what the issuer may reach; <see cref="Attachments"/> are the
/// issuer's uploads still held as drafts (<see cref="OrderAttachments.DraftOwner"/>), which the order takes over when issued.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OrderIssue(
    IReadOnlyList<OrderTargetRef> Targets, string Text, IReadOnlyList<string> CaseCodes, double? Lat, double? Lon, DateTimeOffset SignBy, DateTimeOffset FeedbackBy,
    IReadOnlyList<OrderAttachment>? Attachments = null);

/// <summary>Whose attachments rows are an order's: the owner column holds one of these instead of a case code.</summary>
public static class OrderAttachments
{
    /// <summary>The owner of an order's files (the issuer's attachments and the receivers' report-back photos).</summary>
    public const string OrderPrefix = "order:";

    /// <summary>The owner of a file an issuer uploaded for an order not yet issued; nobody can download it until an order takes it.</summary>
    public const string DraftPrefix = "order-draft:";

    public static string Owner(string orderId) => OrderPrefix + orderId;

    public static string DraftOwner(string userName) => DraftPrefix + userName;
}

/// <summary>
/// A report back (反馈): text and the ids of photos uploaded to the order first; <see cref="RequestId"/>, when given (the
/// client's Idempotency-Key), makes the same report sent again answered instead of kept twice, even after newer ones.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OrderFeedback(string Text, IReadOnlyList<string> Photos, string? RequestId = null);

/// <summary>One step of an order, with who and when; <see cref="Target"/> is the receiver it concerns.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderEvent(int Seq, DateTimeOffset At, OrderAction Action, string ActionName, string Actor, string ActorName, string? Target, string? Note);

/// <summary>One receiver's state; <see cref="Unsigned"/> while its 未签收 warning is up, <see cref="Unreported"/> while its 未反馈 one is.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderTargetView(
    string Key, string Name, string RegionCode, OrderTargetStatus Status, string StatusName, DateTimeOffset? SignedAt, string? SignedByName,
    DateTimeOffset? FeedbackAt, string? FeedbackByName, string? FeedbackText, IReadOnlyList<string> Photos, bool Unsigned, bool Unreported = false);

/// <summary>
/// An order as its issuer, its receivers and the screens see it; <see cref="Version"/> only grows. <see cref="Warnings"/> counts
/// the 未签收 and 未反馈 warnings up; <see cref="Attachments"/> are the issuer's files.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OrderView(
    string Id, string Text, string IssuerUnit, string IssuedBy, string IssuerName, string RegionCode, DateTimeOffset IssuedAt, DateTimeOffset SignBy,
    DateTimeOffset FeedbackBy, IReadOnlyList<string> CaseCodes, double? Lat, double? Lon, bool Open, int Version, int Total, int Signed, int Reported,
    int Warnings, IReadOnlyList<OrderTargetView> Targets, IReadOnlyList<OrderEvent> History, IReadOnlyList<OrderAttachment> Attachments);

public enum OrderRefusal
{
    /// <summary>No such order, or one the user may not see (404).</summary>
    NotFound,

    /// <summary>The user may see it but not do this (403).</summary>
    Forbidden,

    /// <summary>The input is wrong (400).</summary>
    Invalid,

    /// <summary>The order's state does not allow it (409).</summary>
    State,
}

/// <summary>A refused order step, in Chinese. Nothing was changed.</summary>
[GenerateSerializer]
public sealed class OrderRefusedException : Exception
{
    public OrderRefusedException()
    {
        Reason = string.Empty;
    }

    public OrderRefusedException(string message)
        : base(message)
    {
        Reason = message;
    }

    public OrderRefusedException(string message, Exception inner)
        : base(message, inner)
    {
        Reason = message;
    }

    public OrderRefusedException(OrderRefusal kind, string reason)
        : base(reason)
    {
        Kind = kind;
        Reason = reason;
    }

    [Id(0)]
    public OrderRefusal Kind { get; }

    [Id(1)]
    public string Reason { get; }
}
