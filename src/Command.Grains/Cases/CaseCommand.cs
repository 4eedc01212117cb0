using Orleans;
using Orleans.Concurrency;
using Command.Data.Hosting;
using Command.Grains.Users;

namespace Command.Grains.Cases;

/// <summary>
/// One action on a case with what it needs (which fields matter depends on the action). <see cref="RequestId"/>, when given,
/// is kept with the step it made: the same person sending the same request again gets the case as it is, not a second step.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CaseCommand(
    CaseAction Action,
    string? Note = null,
    string? To = null,
    IReadOnlyList<string>? Photos = null,
    IReadOnlyList<string>? Units = null,
    TimeSpan? Extension = null,
    bool? Approve = null,
    bool? Pass = null,
    CaseResult? Result = null,
    Satisfaction? Satisfaction = null,
    Supervision? Level = null,
    string? RequestId = null) : IResendable;

/// <summary>
/// Everything a new case starts with: what was reported, where, the auto-dispatch decision, who took it, and the admin's
/// setting of its category at that moment (its default complexity and handling limit).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CaseOpening(CaseIntake Intake, CaseLocation Location, Dispatch.DispatchPlan? Plan, string Holder, UserProfile Actor, CategorySetting? Category = null);

/// <summary>One step of a case's history (append-only).</summary>
[GenerateSerializer, Immutable]
public sealed record CaseEvent(
    int Seq,
    DateTimeOffset At,
    CaseAction Action,
    string Actor,
    string ActorName,
    string? FromUnit,
    string? ToUnit,
    CaseStatus Status,
    string? Note,
    CaseEventDetail? Detail)
{
    public string ActionName => Action.ToChinese();

    public string StatusName => Status.ToChinese();
}

/// <summary>What a step carried besides its note; empty parts are left out of the stored JSON.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseEventDetail(
    IReadOnlyList<string>? Photos = null,
    long? RuleId = null,
    string? RuleName = null,
    string? Level = null,
    CaseResult? Result = null,
    Satisfaction? Satisfaction = null,
    Supervision? Supervision = null,
    TimeSpan? Extension = null,
    bool? Approved = null,
    bool? Passed = null,
    IReadOnlyList<string>? Units = null,
    IReadOnlyList<string>? Warnings = null,
    string? RequestId = null);

public enum RefusalKind
{
    /// <summary>The case's state does not allow the action (409).</summary>
    State,

    /// <summary>The actor's role, unit or scope does not allow it (403).</summary>
    Forbidden,

    /// <summary>The action's input is wrong (400).</summary>
    Invalid,

    /// <summary>No such case (404).</summary>
    NotFound,
}

/// <summary>
/// An action refused: names the case's state, the action and the reason, in Chinese. Nothing was changed.
/// </summary>
[GenerateSerializer]
public sealed class CaseRefusedException : Exception
{
    public CaseRefusedException()
    {
        Code = string.Empty;
        Reason = string.Empty;
    }

    public CaseRefusedException(string message)
        : base(message)
    {
        Code = string.Empty;
        Reason = message;
    }

    public CaseRefusedException(string message, Exception inner)
        : base(message, inner)
    {
        Code = string.Empty;
        Reason = message;
    }

    public CaseRefusedException(string code, CaseStatus? status, CaseAction action, RefusalKind kind, string reason)
        : base(status is { } s ? $"案件 {code} 当前状态为「{s.ToChinese()}」，不能{action.ToChinese()}：{reason}"
            : code.Length == 0 ? $"不能{action.ToChinese()}：{reason}" : $"案件 {code} 不能{action.ToChinese()}：{reason}")
    {
        Code = code;
        Status = status;
        Action = action;
        Kind = kind;
        Reason = reason;
    }

    [Id(0)]
    public string Code { get; }

    [Id(1)]
    public CaseStatus? Status { get; }

    [Id(2)]
    public CaseAction Action { get; }

    [Id(3)]
    public RefusalKind Kind { get; }

    [Id(4)]
    public string Reason { get; }
}
