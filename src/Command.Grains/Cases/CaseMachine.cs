using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Users;

namespace Command.Grains.Cases;

/// <summary>
/// The rules of the loop, as pure decisions over a case: each action checks state, role and input first and throws a
/// <see cref="CaseRefusedException"/> before touching anything; then it changes the state and returns the history
/// entries. The grain applies it to a copy and keeps the copy only once it is durable.
/// </summary>
public sealed partial class CaseMachine(CaseClock clock, CaseUnits units)
{
    public const int MaxPhotos = 9;
    public const int MaxNote = 2000;

    public static readonly UserProfile System = new("system", "系统", UserRole.Admin, "system", string.Empty);

    /// <summary>Opens a case: accepted, then dispatched at once when a rule matched.</summary>
    public List<CaseEvent> Open(CaseState state, string code, CaseOpening opening, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(opening);
        var intake = opening.Intake;
        var category = CaseCategories.Find(intake.Category) ?? throw new CaseRefusedException(code, null, CaseAction.Accept, RefusalKind.Invalid, $"未知的类别 {intake.Category}");
        state.Code = code;
        state.Intake = intake;
        state.Location = opening.Location;
        state.Complexity = intake.Complexity ?? opening.Category?.Complexity ?? category.Complexity;
        state.HandlingLimit = opening.Category?.Limit;
        state.Risk = intake.Risk ?? (intake.Urgency == Urgency.High ? RiskColor.Red : RiskColor.Green);
        state.Status = CaseStatus.Accepted;
        state.Holder = opening.Holder;
        state.AcceptedAt = now;
        state.AcceptedBy = opening.Actor.UserName;
        var events = new List<CaseEvent>
        {
            Event(state, now, CaseAction.Accept, opening.Actor, null, opening.Holder, $"{intake.Channel.ToChinese()}：{intake.Title}", null),
        };
        if (opening.Plan is { } plan)
        {
            Assign(state, plan.To, plan.DispatchedBy, now, plan.RuleId);
            foreach (var copy in plan.Copies)
            {
                state.Copies.Add(copy);
            }

            events.Add(Event(state, now, CaseAction.Dispatch, System, plan.DispatchedBy, plan.To.Id, $"按规则「{plan.RuleName}」自动派单至{plan.To.Name}",
                new CaseEventDetail(RuleId: plan.RuleId, RuleName: plan.RuleName, Level: CaseNames.LevelName(plan.To.Level),
                    Units: plan.Copies.Count == 0 ? null : [.. plan.Copies.Select(c => c.Name)])));
        }

        return events;
    }

    /// <summary>Applies a person's action; throws <see cref="CaseRefusedException"/> and changes nothing when it is not allowed.</summary>
    public List<CaseEvent> Apply(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        if (!CanSee(actor, state))
        {
            // Out of sight is refused as missing, as CaseGrain refuses a code with no case: nothing of the case is told.
            throw new CaseRefusedException(state.Code, null, command.Action, RefusalKind.NotFound, "没有这个案件");
        }

        if (command.Note is { Length: > MaxNote })
        {
            throw Refuse(state, command.Action, RefusalKind.Invalid, $"说明不能超过 {MaxNote} 字");
        }

        return command.Action switch
        {
            CaseAction.Reject => Reject(state, command, actor, now),
            CaseAction.Dispatch => Dispatch(state, command, actor, now),
            CaseAction.Sign => Sign(state, command, actor, now),
            CaseAction.Progress => Progress(state, command, actor, now),
            CaseAction.Consult => Consult(state, command, actor, now),
            CaseAction.Extend => Extend(state, command, actor, now),
            CaseAction.ApproveExtension => ApproveExtension(state, command, actor, now),
            CaseAction.Escalate => Escalate(state, command.Note, actor, now, automatic: false),
            CaseAction.Return => Return(state, command, actor, now),
            CaseAction.Supervise => Supervise(state, command, actor, now),
            CaseAction.CancelSupervision => CancelSupervision(state, command, actor, now),
            CaseAction.Resolve => Resolve(state, command, actor, now),
            CaseAction.Verify => Verify(state, command, actor, now),
            CaseAction.Revisit => Revisit(state, command, actor, now),
            CaseAction.Archive => Archive(state, command, actor, now),
            _ => throw Refuse(state, command.Action, RefusalKind.Invalid, "不支持的操作"),
        };
    }

    /// <summary>
    /// What the deadline clock does at <paramref name="now"/>: automatic supervision (yellow, then red card) and, below
    /// the county, escalation when a handling limit passes. Each step happens once per assignment.
    /// </summary>
    public List<CaseEvent> Tick(CaseState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var events = new List<CaseEvent>();
        var deadlines = clock.Of(state);
        var current = state.Current;
        if (current is null)
        {
            return events;
        }

        if (state.Status == CaseStatus.Dispatched)
        {
            if (!current.SignCardApplied && deadlines.SignRed <= now)
            {
                current.SignCardApplied = true;
                events.AddRange(AutoSupervise(state, Supervision.Yellow, now, $"超过签收时限未签收（{current.To.Name}），自动黄牌督办"));
            }

            if (!current.SignRedCardApplied && deadlines.SignRedCard <= now)
            {
                current.SignRedCardApplied = true;
                events.AddRange(AutoSupervise(state, Supervision.Red, now, $"黄牌督办后仍未签收（{current.To.Name}），自动红牌督办"));
            }
        }
        else if (state.Status == CaseStatus.InProgress)
        {
            if (!current.OverdueApplied && deadlines.HandleDue <= now)
            {
                current.OverdueApplied = true;
                state.Overdue = true;
                events.AddRange(AutoSupervise(state, Supervision.Yellow, now, $"超过办理时限（{current.To.Name}），自动黄牌督办"));
                if (clock.Options.EscalateWhenOverdue && !Command.Grains.Units.UnitPlan.IsDepartment(current.To.Id) && CaseClock.LevelAbove(current.To.Level) is not null)
                {
                    events.AddRange(Escalate(state, $"{CaseNames.LevelName(current.To.Level)}调解超过时限未化解，自动上报", System, now, automatic: true));
                    return events;
                }
            }

            if (!current.OverdueRedCardApplied && deadlines.HandleRedCard <= now)
            {
                current.OverdueRedCardApplied = true;
                events.AddRange(AutoSupervise(state, Supervision.Red, now, $"超期后仍未办结（{current.To.Name}），自动红牌督办"));
            }
        }

        return events;
    }

    private IEnumerable<CaseEvent> AutoSupervise(CaseState state, Supervision level, DateTimeOffset now, string note)
    {
        if (state.Supervision >= level)
        {
            yield break;
        }

        state.Supervision = level;
        yield return Event(state, now, CaseAction.Supervise, System, null, state.Current?.To.Id, note, new CaseEventDetail(Supervision: level));
    }

    private static void Assign(CaseState state, Assignee to, string dispatchedBy, DateTimeOffset now, long? ruleId = null)
    {
        state.Current = new Assignment { To = to, DispatchedBy = dispatchedBy, DispatchedAt = now, RuleId = ruleId };
        state.Status = CaseStatus.Dispatched;
        state.PendingExtension = null;

        // 商办 is joint handling with the handler: a new handler starts its own.
        state.Consults.Clear();
    }

    private static CaseEvent Event(CaseState state, DateTimeOffset now, CaseAction action, UserProfile actor, string? from, string? to, string? note, CaseEventDetail? detail)
    {
        state.Version++;
        state.UpdatedAt = now;
        return new CaseEvent(state.Version, now, action, actor.UserName, actor.DisplayName, from, to, state.Status, note, detail);
    }

    private static CaseRefusedException Refuse(CaseState state, CaseAction action, RefusalKind kind, string reason) =>
        new(state.Code, state.Status, action, kind, reason);
}
