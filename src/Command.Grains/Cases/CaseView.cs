using Orleans;
using Orleans.Concurrency;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Warnings;

namespace Command.Grains.Cases;

/// <summary>A case as callers see it: state, handler, deadlines, supervision, attempts, revisits, warnings and history.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseView(
    string Code,
    string Title,
    string Description,
    string Category,
    string CategoryName,
    Urgency Urgency,
    CaseChannel Channel,
    RiskColor Risk,
    Complexity Complexity,
    CaseLocation Location,
    CaseStatus Status,
    string Holder,
    CaseAssignmentView? Assignment,
    IReadOnlyList<Assignee> Copies,
    IReadOnlyList<Assignee> Consults,
    Supervision Supervision,
    ExtensionRequest? PendingExtension,
    CaseDeadlines Deadlines,
    bool Overdue,
    CaseResult? Result,
    string? ResultNote,
    RegionLevel? ResolvedLevel,
    DateTimeOffset AcceptedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<CaseAttemptView> Attempts,
    IReadOnlyList<CaseRevisitView> Revisits,
    IReadOnlyList<CaseWarningView> Warnings,
    CaseIntake Intake,
    IReadOnlyList<string> Involved,
    IReadOnlyList<CaseEvent> History)
{
    public string StatusName => Status.ToChinese();

    public string UrgencyName => Urgency.ToChinese();

    public string ChannelName => Channel.ToChinese();

    public string SupervisionName => Supervision.ToChinese();

    /// <summary>Whether a user may read the case (<see cref="CaseAccess"/>).</summary>
    public bool VisibleTo(Users.UserProfile actor) =>
        CaseAccess.CanSee(actor, Location.RegionCode, Involved)
        || CaseAccess.IsReporter(actor, History.FirstOrDefault(e => e.Action == CaseAction.Accept)?.Actor);

    public static CaseView Of(CaseState s, CaseDeadlines deadlines, IReadOnlyList<CaseEvent> history)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new CaseView(
            s.Code, s.Intake.Title, s.Intake.Description, s.Intake.Category, CaseCategories.Find(s.Intake.Category)?.Name ?? s.Intake.Category,
            s.Intake.Urgency, s.Intake.Channel, s.Risk, s.Complexity, s.Location, s.Status, s.Holder,
            s.Current is { } c ? new CaseAssignmentView(c.To, c.DispatchedBy, c.DispatchedAt, c.SignedAt, c.Extension, c.RuleId) : null,
            [.. s.Copies], [.. s.Consults], s.Supervision, s.PendingExtension, deadlines, s.Overdue, s.Result, s.ResultNote, s.ResolvedLevel,
            s.AcceptedAt, s.ClosedAt,
            [.. s.Attempts.Select(a => new CaseAttemptView(a.Level, CaseNames.LevelName(a.Level), a.Unit, a.UnitName, a.Started, a.Ended, a.Outcome))],
            [.. s.Revisits.Select(r => new CaseRevisitView(r.Due, r.DoneAt, r.DoneBy, r.Satisfaction, r.Note))],
            [.. s.Warnings.Select(w => new CaseWarningView(w.Value.Id, w.Key, w.Key.ToChinese(), w.Value.Level))],
            s.Intake,
            [.. CaseMachine.Involved(s)],
            [.. history]);
    }
}

[GenerateSerializer, Immutable]
public sealed record CaseAssignmentView(Assignee To, string DispatchedBy, DateTimeOffset DispatchedAt, DateTimeOffset? SignedAt, TimeSpan Extension, long? RuleId);

[GenerateSerializer, Immutable]
public sealed record CaseAttemptView(RegionLevel Level, string LevelName, string Unit, string UnitName, DateTimeOffset Started, DateTimeOffset? Ended, string? Outcome);

[GenerateSerializer, Immutable]
public sealed record CaseRevisitView(DateTimeOffset Due, DateTimeOffset? DoneAt, string? DoneBy, Satisfaction? Satisfaction, string? Note);

[GenerateSerializer, Immutable]
public sealed record CaseWarningView(string Id, WarningKind Kind, string KindName, WarningLevel Level);

/// <summary>What a case contributes to its grid's or region's live counters (absolute, so a repeat changes nothing).</summary>
[GenerateSerializer, Immutable]
public readonly record struct CaseMark(bool Open, bool Overdue, int Warnings, DateOnly AcceptedDay, DateOnly? ResolvedDay, DateTimeOffset AcceptedAt)
{
    public static CaseMark Of(CaseState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Of(s.Status, s.Overdue, s.Warnings.Count, s.AcceptedAt, s.Result, s.ClosedAt);
    }

    /// <summary>The mark from what a case row holds (a case's state, or the columns of <c>cases</c>).</summary>
    public static CaseMark Of(CaseStatus status, bool overdue, int warnings, DateTimeOffset acceptedAt, CaseResult? result, DateTimeOffset? closedAt)
    {
        var open = CaseNames.IsOpen(status);
        var accepted = status == CaseStatus.Rejected ? DateOnly.MinValue : ChinaDate.Of(acceptedAt);
        DateOnly? resolved = status is CaseStatus.Closed or CaseStatus.Archived && result == CaseResult.Resolved && closedAt is { } closed ? ChinaDate.Of(closed) : null;
        return new CaseMark(open, open && overdue, warnings, accepted, resolved, acceptedAt);
    }
}
