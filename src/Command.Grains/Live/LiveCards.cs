using System.Text.Json.Serialization;
using Command.Grains.Cases;
using Command.Grains.Warnings;
using Command.Grains.Workers;
using Orleans;
using Orleans.Concurrency;

namespace Command.Grains.Live;

/// <summary>A worker on the map: where, in what status, as of which fix. <see cref="Version"/> only grows.</summary>
[GenerateSerializer, Immutable]
public readonly record struct WorkerMark(long Id, string GridCode, double Lat, double Lon, WorkerStatus Status, long FixTime, long Version);

/// <summary>An open case as the screens draw it (times in ms since the epoch). <see cref="V"/> is the case's version.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseCard(
    string Code,
    string Title,
    string Category,
    string CategoryName,
    Urgency Urgency,
    string UrgencyName,
    CaseStatus Status,
    string StatusName,
    RiskColor Risk,
    Supervision Supervision,
    bool Overdue,
    double? Lat,
    double? Lon,
    string RegionCode,
    string Holder,
    long? SignBy,
    long? HandleBy,
    long AcceptedAt,
    bool Open,
    long V,
    long? YellowAt = null,
    [property: JsonIgnore] IReadOnlyList<InboxEntry>? Inbox = null,
    [property: JsonIgnore] IReadOnlyList<string>? Left = null,
    [property: JsonIgnore] string? Reporter = null,
    [property: JsonIgnore] string? Phone = null)
{
    /// <summary>
    /// The card of a case; <paramref name="before"/> is the state it had before this change (null when unknown), so the
    /// inboxes it left can be told. The inboxes, who reported it and their phone ride along for the consoles and never reach a
    /// big screen.
    /// </summary>
    public static CaseCard Of(CaseState s, CaseDeadlines deadlines, CaseState? before = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(deadlines);
        var inbox = CaseInbox.Of(s);
        var unsigned = s.Status == CaseStatus.Dispatched && s.Current is { SignedAt: null };
        return new CaseCard(
            s.Code, s.Intake.Title, s.Intake.Category, CaseCategories.Find(s.Intake.Category)?.Name ?? s.Intake.Category,
            s.Intake.Urgency, s.Intake.Urgency.ToChinese(), s.Status, s.Status.ToChinese(), s.Risk, s.Supervision, s.Overdue,
            s.Location.Lat, s.Location.Lon, s.Location.RegionCode, s.Current?.To.Name ?? "待分派",
            unsigned ? Ms(deadlines.SignRed) : null,
            s.Status == CaseStatus.InProgress ? Ms(deadlines.HandleDue) : null,
            s.AcceptedAt.ToUnixTimeMilliseconds(), s.IsOpen, s.Version,
            s.Status == CaseStatus.InProgress ? Ms(deadlines.HandleYellow) : null,
            inbox, before is null ? [] : CaseInbox.Left(CaseInbox.Of(before), inbox),
            s.Intake.ReporterName ?? s.Intake.Hotline?.Caller, s.Intake.ReporterPhone ?? s.Intake.Hotline?.CallerPhone);
    }

    private static long? Ms(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();
}

/// <summary>
/// A warning as the screens draw it. Where it is (<see cref="Lat"/>, <see cref="Lon"/>) may be left null by its grain;
/// the screens' bridge fills it from the case, worker or region. <see cref="V"/> is given by the bridge.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WarningCard(
    string Id,
    WarningKind Kind,
    string KindName,
    int Level,
    string LevelName,
    string Message,
    string RegionCode,
    string? CaseCode,
    long? WorkerId,
    double? Lat,
    double? Lon,
    long RaisedAt,
    string? AckedBy,
    bool Active,
    long V = 0)
{
    public static WarningCard Raised(string id, WarningKind kind, WarningLevel level, string regionCode, string? caseCode, long? workerId, string message, DateTimeOffset at) =>
        new(id, kind, kind.ToChinese(), (int)level, level.ToChinese(), message, regionCode, caseCode, workerId, null, null, at.ToUnixTimeMilliseconds(), null, true);

    public static WarningCard Cleared(string id, WarningKind kind, string regionCode, DateTimeOffset at) =>
        new(id, kind, kind.ToChinese(), 0, string.Empty, string.Empty, regionCode, null, null, null, null, at.ToUnixTimeMilliseconds(), null, false);

    public static WarningCard Of(WarningRecord w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return new WarningCard(
            w.Id, w.Kind, w.Kind.ToChinese(), (int)w.Level, w.Level.ToChinese(), w.Message, w.RegionCode, w.CaseCode, w.WorkerId, null, null,
            w.RaisedAt.ToUnixTimeMilliseconds(), w.AckedBy, w.ClearedAt is null);
    }
}
