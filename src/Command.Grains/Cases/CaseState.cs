using Orleans;
using Orleans.Concurrency;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Warnings;

namespace Command.Grains.Cases;

/// <summary>
/// A case as its grain holds it. Stored as JSON in <c>cases.payload</c> next to the columns lists and statistics
/// read; the history lives in <c>case_events</c>. Never handed out: callers get a <see cref="CaseView"/>.
/// </summary>
public sealed class CaseState
{
    public string Code { get; set; } = string.Empty;

    /// <summary>The sequence number of the last history entry.</summary>
    public int Version { get; set; }

    public CaseIntake Intake { get; set; } = null!;

    public CaseLocation Location { get; set; } = null!;

    public Complexity Complexity { get; set; }

    /// <summary>The category's handling limit set by the admin when the case was accepted; null: by complexity from the options.</summary>
    public TimeSpan? HandlingLimit { get; set; }

    public RiskColor Risk { get; set; }

    public CaseStatus Status { get; set; }

    /// <summary>The center that must dispatch the case while it is <see cref="CaseStatus.Accepted"/>.</summary>
    public string Holder { get; set; } = string.Empty;

    public Assignment? Current { get; set; }

    /// <summary>The assignments of the centers that handed the case on (转派), innermost last; a return goes back to them.</summary>
    public List<Assignment> Parents { get; set; } = [];

    public List<Assignee> Copies { get; set; } = [];

    public List<Assignee> Consults { get; set; } = [];

    /// <summary>三级三次: each level's attempt, kept.</summary>
    public List<MediationAttempt> Attempts { get; set; } = [];

    public int Escalations { get; set; }

    public Supervision Supervision { get; set; }

    public ExtensionRequest? PendingExtension { get; set; }

    /// <summary>True once any handling limit has passed (超期), for statistics.</summary>
    public bool Overdue { get; set; }

    public CaseResult? Result { get; set; }

    public string? ResultNote { get; set; }

    public RegionLevel? ResolvedLevel { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public List<Revisit> Revisits { get; set; } = [];

    public Dictionary<WarningKind, ActiveWarning> Warnings { get; set; } = [];

    public DateTimeOffset AcceptedAt { get; set; }

    public string AcceptedBy { get; set; } = string.Empty;

    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsOpen => CaseNames.IsOpen(Status);

    public Satisfaction? LastSatisfaction => Revisits.LastOrDefault(r => r.Satisfaction is not null)?.Satisfaction;
}

/// <summary>The case's current handler, who sent it there, and which deadline steps have already been taken.</summary>
public sealed class Assignment
{
    public Assignee To { get; set; } = null!;

    /// <summary>The unit that dispatched it; it approves extensions and verifies the result.</summary>
    public string DispatchedBy { get; set; } = string.Empty;

    public DateTimeOffset DispatchedAt { get; set; }

    public long? RuleId { get; set; }

    public DateTimeOffset? SignedAt { get; set; }

    /// <summary>Approved extensions of this assignment's handling limit.</summary>
    public TimeSpan Extension { get; set; }

    public bool SignCardApplied { get; set; }

    public bool SignRedCardApplied { get; set; }

    public bool OverdueApplied { get; set; }

    public bool OverdueRedCardApplied { get; set; }
}

public sealed class MediationAttempt
{
    public RegionLevel Level { get; set; }

    public string Unit { get; set; } = string.Empty;

    public string UnitName { get; set; } = string.Empty;

    public DateTimeOffset Started { get; set; }

    public DateTimeOffset? Ended { get; set; }

    /// <summary>How it ended, as users read it: 化解成功, 未化解, 上报, 超期上报, 回退.</summary>
    public string? Outcome { get; set; }
}

[GenerateSerializer, Immutable]
public sealed record ExtensionRequest(TimeSpan Duration, string Reason, string RequestedBy, DateTimeOffset At);

public sealed class Revisit
{
    public DateTimeOffset Due { get; set; }

    public DateTimeOffset? DoneAt { get; set; }

    public string? DoneBy { get; set; }

    public Satisfaction? Satisfaction { get; set; }

    public string? Note { get; set; }
}

public sealed record ActiveWarning(string Id, WarningLevel Level);
