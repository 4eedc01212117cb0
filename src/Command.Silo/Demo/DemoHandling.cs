using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Units;
using Command.Grains.Users;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Silo.Demo;

/// <summary>
/// Units acting on cases the way people do, through the case grain and as the person whose turn it is: the holding
/// center dispatches, the unit signs, reports progress, consults, asks for more time, escalates, sends back or
/// resolves; the dispatching center approves extensions and verifies; revisits follow as they fall due; then the case
/// is archived. Delays are drawn inside the case's own deadlines (a share of the sign-for window, of the handling
/// limit), so they shrink and grow with the configured limits; a drawn share of units are late or never sign.
/// </summary>
internal sealed partial class DemoHandling(
    IGrainFactory grains, RegionDirectory directory, DemoPeople people, CaseOptions limits, DemoTally tally, Random random, TimeProvider time, ILogger log)
{
    private const int MaxRefusals = 4;

    private readonly Dictionary<string, DemoCase> cases = new(StringComparer.Ordinal);

    public int Count => cases.Count;

    /// <summary>How soon a person reacts to something on their desk (verify, approve, dispatch): a share of this.</summary>
    private TimeSpan Beat => limits.SignYellow;

    public void Track(string code, DateTimeOffset at) => cases.TryAdd(code, new DemoCase(code) { NextAt = at });

    /// <summary>Takes the next step on every case that is due; lets go of cases that are archived or stuck.</summary>
    public async Task ActOnDueAsync(CancellationToken token)
    {
        var now = time.GetUtcNow();
        foreach (var due in cases.Values.Where(c => c.NextAt <= now).ToList())
        {
            token.ThrowIfCancellationRequested();
            var at = time.GetUtcNow();
            if (await StepAsync(due, at) is { } next)
            {
                // Look again at least once a beat, so a step someone else took is noticed.
                due.NextAt = next < at + Beat ? next : at + Beat;
            }
            else
            {
                cases.Remove(due.Code);
            }
        }
    }

    /// <summary>The leader orders supervision (督办) of an open case now and then.</summary>
    public async Task SuperviseOneAsync()
    {
        if (cases.Count == 0)
        {
            return;
        }

        var code = cases.Keys.ElementAt(random.Next(cases.Count));
        var grain = grains.GetGrain<ICaseGrain>(code);
        if (await grain.GetAsync() is { Status: CaseStatus.Dispatched or CaseStatus.InProgress, Supervision: Supervision.None })
        {
            var level = random.NextDouble() < 0.7 ? Supervision.Normal : Supervision.Yellow;
            await TryAsync(grain, code, new CaseCommand(CaseAction.Supervise, "请加快办理进度，按期反馈办理情况", Level: level), people.Leader);
        }
    }

    private async Task<DateTimeOffset?> StepAsync(DemoCase c, DateTimeOffset now)
    {
        var grain = grains.GetGrain<ICaseGrain>(c.Code);
        var view = await grain.GetAsync();
        if (view is null || view.Status == CaseStatus.Archived)
        {
            return null;
        }

        Plan(c, view);
        if (Decide(c, view) is not { } move)
        {
            return null;
        }

        if (move.At > now)
        {
            return move.At;
        }

        if (move.Actor is null)
        {
            LogNobody(log, c.Code, view.Status);
            return null;
        }

        if (!await TryAsync(grain, c.Code, move.Command, move.Actor))
        {
            return ++c.Refusals >= MaxRefusals ? null : now + (Beat * 0.1);
        }

        c.Refusals = 0;
        move.Done?.Invoke();
        return now;
    }

    private async Task<bool> TryAsync(ICaseGrain grain, string code, CaseCommand command, UserProfile actor)
    {
        try
        {
            await grain.ActAsync(command, actor);
            tally.Count(command.Action);
            return true;
        }
        catch (CaseRefusedException e)
        {
            // Someone (or the deadline clock) moved the case on since we looked: normal in a live county.
            tally.Refused++;
            LogRefused(log, code, command.Action, actor.UserName, e.Message);
            return false;
        }
    }

    /// <summary>Draws a new plan when the case has a new handler (or holder).</summary>
    private void Plan(DemoCase c, CaseView view)
    {
        var a = view.Assignment;
        var key = a is null || view.Status == CaseStatus.Accepted ? $"holder:{view.Holder}" : $"{a.To.Id}@{a.DispatchedAt.ToUnixTimeMilliseconds()}";
        if (key == c.PlanKey)
        {
            return;
        }

        c.PlanKey = key;
        c.Early = random.NextDouble();
        c.Late = random.NextDouble();
        c.Notes = 1 + random.Next(3);
        c.NotesDone = 0;
        c.ConsultDone = false;
        c.ExtendDone = false;
        c.Consult = random.NextDouble() < 0.06;
        c.HandOn = a is not null && UnitPlan.IsCenter(a.To.Id) && a.To.Level == RegionLevel.Township && random.NextDouble() < 0.25;
        c.Fate = random.NextDouble() switch
        {
            < 0.04 => DemoFate.Return,
            < 0.09 => DemoFate.Ignore,
            < 0.21 => DemoFate.LateSign,
            < 0.28 => DemoFate.Escalate,
            < 0.36 => DemoFate.Overrun,
            < 0.44 => DemoFate.Extend,
            _ => DemoFate.Normal,
        };
        if (a is not null && ((c.Fate == DemoFate.Escalate && CaseClock.LevelAbove(a.To.Level) is null) || (c.Fate == DemoFate.Return && a.DispatchedBy == a.To.Id)))
        {
            c.Fate = DemoFate.Normal;
        }
    }

    private Move? Decide(DemoCase c, CaseView view)
    {
        var last = view.History[^1].At;
        var a = view.Assignment;
        return view.Status switch
        {
            CaseStatus.Accepted => Accepted(c, view, last),
            CaseStatus.Dispatched => Dispatched(c, view, a!),
            CaseStatus.InProgress => InProgress(c, view, a!, last),
            CaseStatus.Resolved => Verify(c, a!, last),
            CaseStatus.Closed => Closed(c, view, a!, last),
            CaseStatus.Rejected => new Move(last + (Beat * 0.5), new CaseCommand(CaseAction.Archive, "不予受理，归档"), people.Duty),
            _ => null,
        };
    }

    /// <summary>Waiting at a center (no rule matched, or sent back): the center dispatches it, or now and then rejects it.</summary>
    private Move? Accepted(DemoCase c, CaseView view, DateTimeOffset last)
    {
        var at = last + (Beat * (0.1 + (0.5 * c.Early)));
        var holder = people.For(view.Holder) ?? people.Duty;
        if (c.Late < 0.03)
        {
            return new Move(at, new CaseCommand(CaseAction.Reject, "经核实，该事项已由人民法院立案受理，不予受理"), holder);
        }

        var returnedBy = view.History.LastOrDefault(e => e.Action == CaseAction.Return)?.FromUnit;
        return Target(view.Holder, view, returnedBy) is { } to
            ? new Move(at, new CaseCommand(CaseAction.Dispatch, To: to.Id, Note: $"请{to.Name}签收并及时处置"), holder)
            : null;
    }

    /// <summary>Sent to a unit: it signs (in time, late, or never), or sends it back.</summary>
    private Move Dispatched(DemoCase c, CaseView view, CaseAssignmentView a)
    {
        var d = view.Deadlines;
        var yellow = d.SignYellow ?? a.DispatchedAt + Beat;
        var redCard = d.SignRedCard ?? yellow + (Beat * 2);
        var window = yellow - a.DispatchedAt;
        var assignee = people.For(a.To.Id);
        var sign = new CaseCommand(CaseAction.Sign, c.Late < 0.5 ? "已签收，立即安排处置" : null);
        switch (c.Fate)
        {
            case DemoFate.Return:
                return new Move(a.DispatchedAt + (window * (0.1 + (0.4 * c.Early))),
                    new CaseCommand(CaseAction.Return, "经核实，该事项不属于本单位职责范围，请重新分派"), assignee);
            case DemoFate.Ignore when Target(a.DispatchedBy, view, a.To.Id) is { } other:
                return new Move(redCard + (Beat * 0.3 * c.Early),
                    new CaseCommand(CaseAction.Dispatch, To: other.Id, Note: $"{a.To.Name}长时间未签收，改派{other.Name}"), people.For(a.DispatchedBy) ?? people.Duty);
            case DemoFate.LateSign or DemoFate.Ignore:
                return new Move(yellow + ((redCard - yellow) * (0.1 + (0.8 * c.Early))), sign, assignee);
            default:
                return new Move(a.DispatchedAt + (window * (0.05 + (0.75 * c.Early))), sign, assignee);
        }
    }

    /// <summary>Being handled: the earliest of what the plan still holds (hand on, notes, consult, escalate, extend, resolve).</summary>
    private Move? InProgress(DemoCase c, CaseView view, CaseAssignmentView a, DateTimeOffset last)
    {
        var signed = a.SignedAt ?? last;
        var due = view.Deadlines.HandleDue ?? signed + (Beat * 5);
        var limit = due - signed;
        var assignee = people.For(a.To.Id);
        var dispatcher = people.For(a.DispatchedBy) ?? people.Duty;
        if (view.PendingExtension is { } extension)
        {
            var approve = random.NextDouble() < 0.85;
            return new Move(extension.At + (Beat * (0.1 + (0.4 * c.Late))),
                new CaseCommand(CaseAction.ApproveExtension, approve ? null : "理由不充分，请在原期限内办结", Approve: approve), dispatcher);
        }

        Move? next = null;
        void Consider(Move move)
        {
            if (next is null || move.At < next.At)
            {
                next = move;
            }
        }

        if (c.HandOn && c.NotesDone == 0 && Target(a.To.Id, view, a.To.Id) is { } to)
        {
            Consider(new Move(signed + (limit * 0.05 * (1 + c.Early)), new CaseCommand(CaseAction.Dispatch, To: to.Id, Note: $"转派{to.Name}办理"), assignee));
        }

        if (c.NotesDone < c.Notes)
        {
            Consider(new Move(signed + (limit * (0.08 + (0.12 * c.NotesDone) + (0.05 * c.Early))),
                new CaseCommand(CaseAction.Progress, DemoTexts.Progress[((int)(c.Late * 10) + c.NotesDone) % DemoTexts.Progress.Length]), assignee, () => c.NotesDone++));
        }

        if (c.Consult && !c.ConsultDone && c.NotesDone > 0 && ConsultTarget(a, view) is { } unit)
        {
            Consider(new Move(last + (Beat * 0.2), new CaseCommand(CaseAction.Consult, "涉及多部门职责，请派员共同会商处置", Units: [unit]), assignee, () => c.ConsultDone = true));
        }

        if (c.Fate == DemoFate.Escalate && c.NotesDone > 0)
        {
            Consider(new Move(signed + (limit * (0.35 + (0.3 * c.Late))),
                new CaseCommand(CaseAction.Escalate, "当事人分歧较大，本级调解未能化解，请求上级协调处理"), assignee));
        }
        else if (c.Fate == DemoFate.Extend && !c.ExtendDone && c.NotesDone > 0)
        {
            var more = limit * 0.5 < limits.MaxExtension ? limit * 0.5 : limits.MaxExtension;
            Consider(new Move(signed + (limit * 0.55),
                new CaseCommand(CaseAction.Extend, "涉及多方当事人，需补充调查取证，申请延期", Extension: more), assignee, () => c.ExtendDone = true));
        }
        else if (c.NotesDone >= c.Notes && c.Fate != DemoFate.Escalate)
        {
            var redCard = view.Deadlines.HandleRedCard ?? due + Beat;
            var at = c.Fate == DemoFate.Overrun ? due + ((redCard - due) * 0.5 * c.Late) : signed + (limit * (0.4 + (0.45 * c.Late)));
            var resolved = random.NextDouble() < 0.85;
            Consider(new Move(at > last + (Beat * 0.1) ? at : last + (Beat * 0.1), new CaseCommand(CaseAction.Resolve,
                DemoTexts.Pick(random, resolved ? DemoTexts.Resolved : DemoTexts.NotResolved), Result: resolved ? CaseResult.Resolved : CaseResult.NotResolved), assignee));
        }

        return next;
    }

    /// <summary>The dispatching center checks the result; now and then it sends it back for more.</summary>
    private Move Verify(DemoCase c, CaseAssignmentView a, DateTimeOffset last)
    {
        var pass = random.NextDouble() >= 0.08;
        return new Move(last + (Beat * (0.1 + (0.4 * c.Late))),
            new CaseCommand(CaseAction.Verify, pass ? null : "化解协议未上传，请补充材料后重新办结", Pass: pass), people.For(a.DispatchedBy) ?? people.Duty);
    }

    /// <summary>Closed: each revisit as it falls due (the hotline's callback by the duty officer), then the archive.</summary>
    private Move Closed(DemoCase c, CaseView view, CaseAssignmentView a, DateTimeOffset last)
    {
        var center = people.For(a.DispatchedBy) ?? people.Duty;
        if (view.Deadlines.RevisitDue is { } revisit)
        {
            var satisfaction = random.NextDouble() switch
            {
                < 0.75 => Satisfaction.Satisfied,
                < 0.96 => Satisfaction.Basic,
                _ => Satisfaction.Unsatisfied,
            };
            return new Move(revisit + (Beat * 0.3 * c.Early),
                new CaseCommand(CaseAction.Revisit, satisfaction == Satisfaction.Unsatisfied ? "当事人反映问题仍未解决" : null, Satisfaction: satisfaction),
                view.Channel == CaseChannel.Hotline ? people.Duty : center);
        }

        return new Move(last + (Beat * (0.2 + (0.4 * c.Early))), new CaseCommand(CaseAction.Archive, "回访完成，归档"), center);
    }

    /// <summary>
    /// Where a center (or village) sends a case: the county center to the township center or the village; a township
    /// center to the village, the grid's worker or its 司法所; a village to its grid worker. Never to <paramref name="not"/>.
    /// </summary>
    private Assignee? Target(string dispatcher, CaseView view, string? not)
    {
        var location = view.Location;
        if (location.TownshipCode is not { } township)
        {
            return null;
        }

        var worker = location.GridCode is { } grid && directory.WorkersOfGrid(grid).FirstOrDefault(w => w.FullTime) is { } w ? Assignee.WorkerKey(w.Id) : null;
        var village = location.VillageCode is { } v ? UnitPlan.VillageId(v) : null;
        string?[] candidates = dispatcher == UnitPlan.CenterId(location.CountyCode) ? [UnitPlan.CenterId(township), village]
            : dispatcher == UnitPlan.CenterId(township) ? [village, worker, UnitPlan.DepartmentId(township, "justice")]
            : dispatcher == village ? [worker]
            : [];
        var usable = candidates.Where(id => id is not null && id != not && id != dispatcher && people.For(id) is not null)
            .Select(id => DispatchTargets.Describe(id!, directory)).OfType<Assignee>().ToList();
        return usable.Count == 0 ? null : usable[random.Next(usable.Count)];
    }

    /// <summary>Who joins a 会商: the township's 司法所 for a village or a center, the village for a department.</summary>
    private string? ConsultTarget(CaseAssignmentView a, CaseView view)
    {
        var location = view.Location;
        var unit = UnitPlan.IsDepartment(a.To.Id)
            ? location.VillageCode is { } village ? UnitPlan.VillageId(village) : null
            : location.TownshipCode is { } township ? UnitPlan.DepartmentId(township, "justice") : null;
        return unit is not null && unit != a.To.Id && view.Consults.All(u => u.Id != unit) && directory.FindUnit(unit) is not null ? unit : null;
    }

    /// <summary>One step: when, what, as whom, and what to remember once it is done.</summary>
    private sealed record Move(DateTimeOffset At, CaseCommand Command, UserProfile? Actor, Action? Done = null);

    [LoggerMessage(EventId = 702, Level = LogLevel.Debug, Message = "Demo: {Action} on case {CaseCode} as {User} was refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string caseCode, CaseAction action, string user, string reason);

    [LoggerMessage(EventId = 703, Level = LogLevel.Debug, Message = "Demo: no demo account acts for case {CaseCode} ({Status}); leaving it")]
    private static partial void LogNobody(ILogger logger, string caseCode, CaseStatus status);
}
