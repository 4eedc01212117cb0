using Command.Grains.Cases;
using Command.Grains.Live;

namespace Command.Web.Live;

/// <summary>What the inbox hub calls on a console or phone (the JS client listens for <c>inbox</c>).</summary>
public interface IInboxClient : ILiveSessionClient
{
    /// <summary>Cases that entered, changed in or left (<see cref="InboxItem.Box"/> null) the watched inbox.</summary>
    Task Inbox(InboxBatch batch);

    /// <summary>A dispatch order (调度指令) sent to or issued by the watched unit was issued or changed.</summary>
    Task Order(Command.Grains.Orders.OrderView order);
}

/// <summary>A push of inbox changes; <see cref="Now"/> is the server's clock, for countdowns.</summary>
public sealed record InboxBatch(long Now, IReadOnlyList<InboxItem> Items);

/// <summary>A connection's inbox when it starts watching.</summary>
public sealed record InboxSnapshot(string Unit, long Now, IReadOnlyList<InboxItem> Items);

/// <summary>The answer to <c>Watch</c>: the snapshot, or a typed error (and nothing is watched).</summary>
public sealed record InboxWatchResult(bool Ok, HubError? Error, InboxSnapshot? Snapshot)
{
    public static InboxWatchResult Of(InboxSnapshot snapshot) => new(true, null, snapshot);

    public static InboxWatchResult Fail(string code, string message) => new(false, new HubError(code, message), null);
}

/// <summary>
/// One case in one unit's inbox. <see cref="Box"/> is sign, dispatch, handle, verify, revisit or supervise, or null
/// when the case left this inbox. <see cref="V"/> is the case's version: it only grows, so an older item is dropped.
/// The contract's fields come first; the console also reads the rest (names, the lamp's yellow time, who reported).
/// </summary>
public sealed record InboxItem(
    string Code,
    string Title,
    string CategoryName,
    Urgency Urgency,
    string UrgencyName,
    CaseStatus Status,
    string StatusName,
    string? Box,
    long? SignBy,
    long? HandleBy,
    bool Overdue,
    RiskColor Risk,
    Supervision Supervision,
    string RegionCode,
    double? Lat,
    double? Lon,
    long V,
    string? BoxName,
    string SupervisionName,
    long? YellowAt,
    long AcceptedAt,
    string Holder,
    string? Reporter,
    string? Phone)
{
    public static InboxItem Of(CaseCard card, InboxBox? box)
    {
        ArgumentNullException.ThrowIfNull(card);
        return new InboxItem(
            card.Code, card.Title, card.CategoryName, card.Urgency, card.UrgencyName, card.Status, card.StatusName, box?.Wire(), card.SignBy, card.HandleBy,
            card.Overdue, card.Risk, card.Supervision, card.RegionCode, card.Lat, card.Lon, card.V, box?.ToChinese(), card.Supervision.ToChinese(),
            card.YellowAt, card.AcceptedAt, card.Holder, card.Reporter, card.Phone);
    }
}
