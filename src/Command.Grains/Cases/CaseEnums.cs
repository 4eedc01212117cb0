using System.Text.Json.Serialization;

namespace Command.Grains.Cases;

/// <summary>Where a case came from (来源).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseChannel>))]
public enum CaseChannel
{
    /// <summary>网格员上报.</summary>
    Grid,

    /// <summary>群众来访 at a window.</summary>
    WalkIn,

    /// <summary>12345热线 work order.</summary>
    Hotline,

    /// <summary>线上 (online, QR code, WeChat).</summary>
    Online,

    /// <summary>诉调: referred by a court.</summary>
    Court,

    /// <summary>警调: referred by the police.</summary>
    Police,

    /// <summary>访调: referred by the petition office.</summary>
    Petition,
}

public enum Urgency
{
    Low,
    Medium,
    High,
}

/// <summary>How much work a case is: the "3715" handling limits (简易 3, 一般 7, 复杂 15 working days).</summary>
public enum Complexity
{
    Simple,
    General,
    Complex,
}

/// <summary>Where a case is in the loop (受理—分派—签收—处置—办结—回访—归档).</summary>
public enum CaseStatus
{
    /// <summary>待分派: accepted, waiting for its holder to dispatch it (also after a return).</summary>
    Accepted,

    /// <summary>待签收: sent to a unit or grid worker that has not signed for it.</summary>
    Dispatched,

    /// <summary>处置中.</summary>
    InProgress,

    /// <summary>待验证: the unit reported a result; the dispatching center verifies it.</summary>
    Resolved,

    /// <summary>已办结: verified; revisits follow.</summary>
    Closed,

    /// <summary>已归档: read-only.</summary>
    Archived,

    /// <summary>不予受理.</summary>
    Rejected,
}

/// <summary>督办: an overlay on an open case that only goes up (none → normal → yellow → red).</summary>
public enum Supervision
{
    None,
    Normal,
    Yellow,
    Red,
}

public enum CaseResult
{
    /// <summary>化解成功.</summary>
    Resolved,

    /// <summary>未化解.</summary>
    NotResolved,
}

public enum Satisfaction
{
    /// <summary>满意.</summary>
    Satisfied,

    /// <summary>基本满意.</summary>
    Basic,

    /// <summary>不满意: reopens the case.</summary>
    Unsatisfied,
}

/// <summary>风险等级 colour.</summary>
public enum RiskColor
{
    Green,
    Yellow,
    Red,
}

/// <summary>Every action on a case, as the API names them (kebab-case).</summary>
public enum CaseAction
{
    Accept,
    Reject,
    Dispatch,
    Sign,
    Progress,
    Consult,
    Extend,
    ApproveExtension,
    Escalate,
    Return,
    Supervise,
    CancelSupervision,
    Resolve,
    Verify,
    Revisit,
    Archive,

    /// <summary>Raised by the deadline clock, never by a person: warnings, automatic supervision and escalation.</summary>
    Deadline,
}
