using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Units;
using Command.Grains.Users;

namespace Command.Grains.Cases;

public sealed partial class CaseMachine
{
    private List<CaseEvent> Reject(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Reject, "只有待分派的案件可以不予受理", CaseStatus.Accepted);
        Allow(state, CaseAction.Reject, IsHolder(actor, state), $"只有{units.NameOf(state.Holder)}可以决定不予受理");
        var note = NoteRequired(state, command, "请填写不予受理的理由");
        state.Status = CaseStatus.Rejected;
        return [Event(state, now, CaseAction.Reject, actor, state.Holder, null, note, null)];
    }

    private List<CaseEvent> Dispatch(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Dispatch, "只有待分派、待签收或处置中的案件可以分派", CaseStatus.Accepted, CaseStatus.Dispatched, CaseStatus.InProgress);
        var current = state.Current;
        var handingOn = state.Status == CaseStatus.InProgress && IsAssignee(actor, state) && current is not null
            && !current.To.IsWorker && !UnitPlan.IsDepartment(current.To.Id);
        Allow(state, CaseAction.Dispatch, state.Status switch
        {
            CaseStatus.Accepted => IsHolder(actor, state),
            CaseStatus.Dispatched => IsDispatcher(actor, state),
            _ => handingOn || IsCountyCenter(actor, state),
        }, state.Status switch
        {
            CaseStatus.Accepted => $"只有{units.NameOf(state.Holder)}可以分派",
            CaseStatus.Dispatched => $"只有交办单位{units.NameOf(current!.DispatchedBy)}可以改派",
            _ => "只有承办的综治中心、村(社区)或县综治中心可以转派",
        });
        // A unit or worker outside the actor's scope is refused as an unknown one: its name is not told.
        if (units.Describe(command.To) is not { } to
            || (!IsCountyCenter(actor, state) && (units.RegionOf(to.Id) is not { } region || !RegionCode.IsWithin(region, actor.Scope))))
        {
            throw Refuse(state, CaseAction.Dispatch, RefusalKind.Invalid, command.To is null ? "请指定承办单位或网格员" : $"未知的承办单位 {command.To}");
        }

        if (!units.Serves(to.Id, state.Location))
        {
            throw Refuse(state, CaseAction.Dispatch, RefusalKind.Invalid, $"{to.Name}不负责案件所在区域");
        }

        if (current?.To.Id == to.Id && state.Status != CaseStatus.Accepted)
        {
            throw Refuse(state, CaseAction.Dispatch, RefusalKind.Invalid, $"案件已由{to.Name}承办");
        }

        var from = state.Status == CaseStatus.Accepted ? state.Holder : handingOn ? current!.To.Id : current!.DispatchedBy;
        if (state.Status == CaseStatus.InProgress)
        {
            EndAttempt(state, now, handingOn ? "转派" : "改派");
        }

        if (handingOn)
        {
            state.Parents.Add(current!);
        }

        Assign(state, to, actor.UnitId, now);
        return [Event(state, now, CaseAction.Dispatch, actor, from, to.Id, command.Note ?? $"分派至{to.Name}", new CaseEventDetail(Level: CaseNames.LevelName(to.Level)))];
    }

    private List<CaseEvent> Sign(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Sign, "只有待签收的案件可以签收", CaseStatus.Dispatched);
        var current = state.Current!;
        Allow(state, CaseAction.Sign, IsAssignee(actor, state), $"只有承办单位{current.To.Name}可以签收");
        current.SignedAt = now;
        state.Status = CaseStatus.InProgress;
        state.Attempts.Add(new MediationAttempt { Level = current.To.Level, Unit = current.To.Id, UnitName = current.To.Name, Started = now });
        return [Event(state, now, CaseAction.Sign, actor, current.DispatchedBy, current.To.Id, command.Note, null)];
    }

    private List<CaseEvent> Progress(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Progress, "只有处置中的案件可以填报进展", CaseStatus.InProgress);
        Allow(state, CaseAction.Progress, IsAssignee(actor, state) || IsConsulted(actor, state), $"只有承办单位{state.Current!.To.Name}或会商单位可以填报进展");
        var note = NoteRequired(state, command, "请填写办理情况");
        var photos = command.Photos ?? [];
        if (photos.Count > MaxPhotos || !photos.All(CasePhotos.IsAddress))
        {
            throw Refuse(state, CaseAction.Progress, RefusalKind.Invalid, $"照片最多 {MaxPhotos} 张，每张须是本系统附件路径或网页地址（不超过 500 字符）");
        }

        return [Event(state, now, CaseAction.Progress, actor, actor.UnitId, null, note, photos.Count == 0 ? null : new CaseEventDetail(Photos: [.. photos]))];
    }

    private List<CaseEvent> Consult(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Consult, "只有处置中的案件可以发起会商", CaseStatus.InProgress);
        var current = state.Current!;
        Allow(state, CaseAction.Consult, IsAssignee(actor, state), $"只有承办单位{current.To.Name}可以发起会商");
        var note = NoteRequired(state, command, "请填写会商事项");
        var invited = new List<Assignee>();
        foreach (var id in command.Units ?? [])
        {
            var unit = units.Describe(id);
            if (unit is null || unit.IsWorker || !units.Serves(unit.Id, state.Location))
            {
                throw Refuse(state, CaseAction.Consult, RefusalKind.Invalid, $"{id} 不是负责案件所在区域的单位");
            }

            if (unit.Id != current.To.Id && state.Consults.All(c => c.Id != unit.Id) && invited.All(c => c.Id != unit.Id))
            {
                invited.Add(unit);
            }
        }

        if (invited.Count == 0)
        {
            throw Refuse(state, CaseAction.Consult, RefusalKind.Invalid, "请指定至少一个新的会商单位");
        }

        state.Consults.AddRange(invited);
        return [Event(state, now, CaseAction.Consult, actor, current.To.Id, string.Join(',', invited.Select(u => u.Id)), note,
            new CaseEventDetail(Units: [.. invited.Select(u => u.Name)]))];
    }

    private List<CaseEvent> Extend(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Extend, "只有处置中的案件可以申请延期", CaseStatus.InProgress);
        var current = state.Current!;
        Allow(state, CaseAction.Extend, IsAssignee(actor, state), $"只有承办单位{current.To.Name}可以申请延期");
        if (state.PendingExtension is not null)
        {
            throw Refuse(state, CaseAction.Extend, RefusalKind.State, "已有一项延期申请等待审批");
        }

        if (command.Extension is not { } extension || extension <= TimeSpan.Zero || extension > clock.Options.MaxExtension)
        {
            throw Refuse(state, CaseAction.Extend, RefusalKind.Invalid, $"延期时长须大于 0 且不超过 {clock.Options.MaxExtension.TotalDays:0.##} 天");
        }

        var note = NoteRequired(state, command, "请填写延期理由");
        state.PendingExtension = new ExtensionRequest(extension, note, actor.UserName, now);
        return [Event(state, now, CaseAction.Extend, actor, current.To.Id, current.DispatchedBy, note, new CaseEventDetail(Extension: extension))];
    }

    private List<CaseEvent> ApproveExtension(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.ApproveExtension, "只有处置中的案件可以审批延期", CaseStatus.InProgress);
        var current = state.Current!;
        if (state.PendingExtension is not { } request)
        {
            throw Refuse(state, CaseAction.ApproveExtension, RefusalKind.State, "没有等待审批的延期申请");
        }

        Allow(state, CaseAction.ApproveExtension, IsDispatcher(actor, state), $"只有交办单位{units.NameOf(current.DispatchedBy)}可以审批延期");
        var approve = command.Approve ?? true;
        if (!approve && string.IsNullOrWhiteSpace(command.Note))
        {
            throw Refuse(state, CaseAction.ApproveExtension, RefusalKind.Invalid, "不同意延期须填写理由");
        }

        if (approve)
        {
            current.Extension += request.Duration;
        }

        state.PendingExtension = null;
        return [Event(state, now, CaseAction.ApproveExtension, actor, current.DispatchedBy, current.To.Id,
            command.Note ?? (approve ? $"同意延期 {request.Duration.TotalDays:0.##} 天" : "不同意延期"), new CaseEventDetail(Extension: request.Duration, Approved: approve))];
    }

    private List<CaseEvent> Escalate(CaseState state, string? note, UserProfile actor, DateTimeOffset now, bool automatic)
    {
        Require(state, CaseAction.Escalate, "只有待签收或处置中的案件可以上报", CaseStatus.Dispatched, CaseStatus.InProgress);
        var current = state.Current!;
        if (!automatic)
        {
            Allow(state, CaseAction.Escalate, IsAssignee(actor, state), $"只有承办单位{current.To.Name}可以上报");
            note = NoteRequired(state, new CaseCommand(CaseAction.Escalate, note), "请填写上报理由");
        }

        if (CaseClock.LevelAbove(current.To.Level) is not { } level || units.HandlerAt(level, state.Location) is not { } to || to.Id == current.To.Id)
        {
            throw Refuse(state, CaseAction.Escalate, RefusalKind.State, "案件已在县级办理，无法继续上报");
        }

        EndAttempt(state, now, automatic ? "超期上报" : "上报");
        state.Escalations++;
        state.Parents.Clear();
        var from = current.To.Id;
        Assign(state, to, units.DispatcherOf(to), now);
        return [Event(state, now, CaseAction.Escalate, actor, from, to.Id, note, new CaseEventDetail(Level: CaseNames.LevelName(to.Level)))];
    }

    private List<CaseEvent> Return(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Return, "只有待签收或处置中的案件可以回退", CaseStatus.Dispatched, CaseStatus.InProgress);
        var current = state.Current!;
        Allow(state, CaseAction.Return, IsAssignee(actor, state), $"只有承办单位{current.To.Name}可以回退");
        var note = NoteRequired(state, command, "请填写回退理由");
        if (current.DispatchedBy == current.To.Id)
        {
            throw Refuse(state, CaseAction.Return, RefusalKind.State, "案件由本单位自行承办，没有可回退的交办单位");
        }

        EndAttempt(state, now, "回退");
        state.PendingExtension = null;
        state.Consults.Clear();
        if (state.Parents.Count > 0 && state.Parents[^1].To.Id == current.DispatchedBy)
        {
            // Back to the center that handed it on: it handles the case again as it did before.
            state.Current = state.Parents[^1];
            state.Parents.RemoveAt(state.Parents.Count - 1);
            state.Status = CaseStatus.InProgress;
            state.Attempts.Add(new MediationAttempt { Level = state.Current.To.Level, Unit = state.Current.To.Id, UnitName = state.Current.To.Name, Started = now });
        }
        else
        {
            state.Current = null;
            state.Holder = current.DispatchedBy;
            state.Status = CaseStatus.Accepted;
        }

        return [Event(state, now, CaseAction.Return, actor, current.To.Id, current.DispatchedBy, note, null)];
    }

    private List<CaseEvent> Supervise(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Supervise, "只有未办结的案件可以督办", CaseStatus.Accepted, CaseStatus.Dispatched, CaseStatus.InProgress, CaseStatus.Resolved);
        Allow(state, CaseAction.Supervise, IsCountyCenter(actor, state), "只有县综治中心领导或值班员可以督办");
        if (command.Level is not { } level || level == Supervision.None)
        {
            throw Refuse(state, CaseAction.Supervise, RefusalKind.Invalid, "请指定督办级别：normal（普通）、yellow（黄牌）或 red（红牌）");
        }

        if (level <= state.Supervision)
        {
            throw Refuse(state, CaseAction.Supervise, RefusalKind.State, $"案件已是{state.Supervision.ToChinese()}，督办只能升级");
        }

        state.Supervision = level;
        return [Event(state, now, CaseAction.Supervise, actor, actor.UnitId, state.Current?.To.Id ?? state.Holder, command.Note ?? level.ToChinese(), new CaseEventDetail(Supervision: level))];
    }

    private List<CaseEvent> CancelSupervision(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.CancelSupervision, "只有未办结的案件可以撤销督办", CaseStatus.Accepted, CaseStatus.Dispatched, CaseStatus.InProgress, CaseStatus.Resolved);
        Allow(state, CaseAction.CancelSupervision, IsCountyCenter(actor, state), "只有县综治中心领导或值班员可以撤销督办");
        if (state.Supervision == Supervision.None)
        {
            throw Refuse(state, CaseAction.CancelSupervision, RefusalKind.State, "案件没有督办");
        }

        var note = NoteRequired(state, command, "撤销督办须填写理由");
        var was = state.Supervision;
        state.Supervision = Supervision.None;
        return [Event(state, now, CaseAction.CancelSupervision, actor, actor.UnitId, state.Current?.To.Id, note, new CaseEventDetail(Supervision: was))];
    }

    private List<CaseEvent> Resolve(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Resolve, "只有处置中的案件可以办结", CaseStatus.InProgress);
        var current = state.Current!;
        Allow(state, CaseAction.Resolve, IsAssignee(actor, state), $"只有承办单位{current.To.Name}可以办结");
        if (command.Result is not { } result)
        {
            throw Refuse(state, CaseAction.Resolve, RefusalKind.Invalid, "请填写办理结果：resolved（化解成功）或 not_resolved（未化解）");
        }

        var note = NoteRequired(state, command, result == CaseResult.Resolved ? "请填写化解情况" : "请填写未化解的原因");
        state.Result = result;
        state.ResultNote = note;
        state.PendingExtension = null;
        state.Status = CaseStatus.Resolved;
        EndAttempt(state, now, result.ToChinese());
        return [Event(state, now, CaseAction.Resolve, actor, current.To.Id, current.DispatchedBy, note, new CaseEventDetail(Result: result))];
    }

    private List<CaseEvent> Verify(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Verify, "只有待验证的案件可以验证", CaseStatus.Resolved);
        var current = state.Current!;
        Allow(state, CaseAction.Verify, IsDispatcher(actor, state), $"只有交办单位{units.NameOf(current.DispatchedBy)}可以验证");
        if (command.Pass is not { } pass)
        {
            throw Refuse(state, CaseAction.Verify, RefusalKind.Invalid, "请填写验证结果：pass 为 true（通过）或 false（不通过）");
        }

        if (!pass && string.IsNullOrWhiteSpace(command.Note))
        {
            throw Refuse(state, CaseAction.Verify, RefusalKind.Invalid, "验证不通过须填写理由");
        }

        if (pass)
        {
            state.Status = CaseStatus.Closed;
            state.ClosedAt = now;
            state.ResolvedLevel = state.Result == CaseResult.Resolved ? current.To.Level : null;
            state.Revisits = [.. state.Revisits.Where(r => r.DoneAt is not null), .. clock.RevisitPlan(state, now)];
        }
        else
        {
            state.Status = CaseStatus.InProgress;
            state.Result = null;
            state.ResultNote = null;
            state.Attempts.Add(new MediationAttempt { Level = current.To.Level, Unit = current.To.Id, UnitName = current.To.Name, Started = now });
        }

        return [Event(state, now, CaseAction.Verify, actor, current.DispatchedBy, current.To.Id, command.Note ?? (pass ? "验证通过" : "验证不通过"), new CaseEventDetail(Passed: pass))];
    }

    private List<CaseEvent> Revisit(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Revisit, "只有已办结的案件可以回访", CaseStatus.Closed);
        Allow(state, CaseAction.Revisit, IsDispatcher(actor, state) || IsCenterInScope(actor, state), "只有交办单位或综治中心可以回访");
        if (command.Satisfaction is not { } satisfaction)
        {
            throw Refuse(state, CaseAction.Revisit, RefusalKind.Invalid, "请填写满意度：satisfied（满意）、basic（基本满意）或 unsatisfied（不满意）");
        }

        if (state.Revisits.FirstOrDefault(r => r.DoneAt is null) is not { } revisit)
        {
            throw Refuse(state, CaseAction.Revisit, RefusalKind.State, "回访计划已完成");
        }

        if (revisit.Due > now)
        {
            throw Refuse(state, CaseAction.Revisit, RefusalKind.State,
                $"第 {state.Revisits.IndexOf(revisit) + 1} 次回访应在 {revisit.Due.ToOffset(ChinaDate.Offset):yyyy-MM-dd HH:mm} 之后进行");
        }

        revisit.DoneAt = now;
        revisit.DoneBy = actor.UserName;
        revisit.Satisfaction = satisfaction;
        revisit.Note = command.Note;
        var current = state.Current!;
        if (satisfaction == Satisfaction.Unsatisfied)
        {
            // 不满意 reopens: the unit that handled it gets the case again, to sign for and handle.
            state.Revisits.RemoveAll(r => r.DoneAt is null);
            state.Result = null;
            state.ResultNote = null;
            state.ResolvedLevel = null;
            state.ClosedAt = null;
            Assign(state, current.To, current.DispatchedBy, now);
        }

        return [Event(state, now, CaseAction.Revisit, actor, actor.UnitId, satisfaction == Satisfaction.Unsatisfied ? current.To.Id : null,
            command.Note ?? satisfaction.ToChinese(), new CaseEventDetail(Satisfaction: satisfaction))];
    }

    private List<CaseEvent> Archive(CaseState state, CaseCommand command, UserProfile actor, DateTimeOffset now)
    {
        Require(state, CaseAction.Archive, "只有已办结或不予受理的案件可以归档", CaseStatus.Closed, CaseStatus.Rejected);
        Allow(state, CaseAction.Archive, IsDispatcher(actor, state) || IsCenterInScope(actor, state), "只有交办单位或综治中心可以归档");
        var left = state.Revisits.Count(r => r.DoneAt is null);
        if (left > 0)
        {
            throw Refuse(state, CaseAction.Archive, RefusalKind.State, $"回访计划未完成，还有 {left} 次回访");
        }

        state.Status = CaseStatus.Archived;
        return [Event(state, now, CaseAction.Archive, actor, actor.UnitId, null, command.Note, null)];
    }

    private static void EndAttempt(CaseState state, DateTimeOffset now, string outcome)
    {
        if (state.Attempts.Count > 0 && state.Attempts[^1] is { Ended: null } attempt)
        {
            attempt.Ended = now;
            attempt.Outcome = outcome;
        }
    }

    private static void Require(CaseState state, CaseAction action, string reason, params CaseStatus[] allowed)
    {
        if (Array.IndexOf(allowed, state.Status) < 0)
        {
            throw Refuse(state, action, RefusalKind.State, reason);
        }
    }

    private static void Allow(CaseState state, CaseAction action, bool allowed, string reason)
    {
        if (!allowed)
        {
            throw Refuse(state, action, RefusalKind.Forbidden, reason);
        }
    }

    private static string NoteRequired(CaseState state, CaseCommand command, string reason) =>
        string.IsNullOrWhiteSpace(command.Note) ? throw Refuse(state, command.Action, RefusalKind.Invalid, reason) : command.Note.Trim();

    /// <summary>Leaders and duty officers of the case's county.</summary>
    public static bool IsCountyCenter(UserProfile actor, CaseState state) =>
        actor.Role is UserRole.DutyOfficer or UserRole.Leader && RegionCode.IsWithin(state.Location.CountyCode, actor.Scope);

    private static bool IsCenterInScope(UserProfile actor, CaseState state) =>
        IsCountyCenter(actor, state) || (actor.Role == UserRole.TownshipCenter && RegionCode.IsWithin(state.Location.RegionCode, actor.Scope));

    /// <summary>The user is (a member of) the unit, or the grid worker, handling the case now.</summary>
    public static bool IsAssignee(UserProfile actor, CaseState state) => state.Current is { } current && IsUnit(actor, current.To.Id);

    internal static bool IsUnit(UserProfile actor, string id) =>
        id.StartsWith(Assignee.WorkerPrefix, StringComparison.Ordinal)
            ? actor.WorkerId is { } worker && id == Assignee.WorkerKey(worker)
            : actor.Role is not (UserRole.GridWorker or UserRole.Admin) && actor.UnitId == id;

    private static bool IsDispatcher(UserProfile actor, CaseState state) =>
        (state.Current is { } current && IsUnit(actor, current.DispatchedBy)) || IsCountyCenter(actor, state);

    private static bool IsHolder(UserProfile actor, CaseState state) => IsUnit(actor, state.Holder) || IsCountyCenter(actor, state);

    private static bool IsConsulted(UserProfile actor, CaseState state) => state.Consults.Any(c => IsUnit(actor, c.Id));

    /// <summary>Who may read a case: see <see cref="CaseAccess"/>.</summary>
    public static bool CanSee(UserProfile actor, CaseState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return CaseAccess.CanSee(actor, state.Location.RegionCode, Involved(state)) || CaseAccess.IsReporter(actor, state.AcceptedBy);
    }

    /// <summary>Every unit or worker the case is or was with: its handler, the centers that handed it on, consulted and copied units.</summary>
    public static IEnumerable<string> Involved(CaseState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Current is { } current)
        {
            yield return current.To.Id;
        }

        foreach (var id in state.Parents.Select(p => p.To.Id).Concat(state.Consults.Select(c => c.Id)).Concat(state.Copies.Select(c => c.Id)))
        {
            yield return id;
        }
    }
}

/// <summary>
/// Who may read a case: users whose scope contains it (a department only when the case is or was with it, consulted
/// or copied to it: departments see the cases sent to them), and any unit or worker involved in it.
/// </summary>
public static class CaseAccess
{
    /// <summary>
    /// A grid worker reports anywhere in their village, so the report may lie in a grid beyond their own scope: they still
    /// read what they reported.
    /// </summary>
    public static bool IsReporter(UserProfile actor, string? acceptedBy)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.Role == UserRole.GridWorker && !string.IsNullOrEmpty(acceptedBy) && acceptedBy == actor.UserName;
    }

    public static bool CanSee(UserProfile actor, string regionCode, IEnumerable<string> involved)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(involved);
        return (actor.Role != UserRole.Department && RegionCode.IsWithin(regionCode, actor.Scope))
            || involved.Any(id => CaseMachine.IsUnit(actor, id));
    }
}
