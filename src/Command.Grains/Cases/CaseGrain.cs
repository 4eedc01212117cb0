using Command.Grains.Dispatch;
using Command.Grains.Grids;
using Command.Grains.Live;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Grains.Warnings;
using Command.Grains.Workers;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Data;
using Microsoft.Extensions.Logging;

namespace Command.Grains.Cases;

/// <summary>
/// A case. It applies each action to a copy of its state and keeps the copy once the row, the history entries and the
/// warning changes are durable. One durable reminder follows its next deadline; the reminder is moved earlier before a
/// write and left alone when the deadline moves later (an early tick finds nothing due and re-arms), so no deadline is lost.
/// </summary>
internal sealed partial class CaseGrain(CaseMachine machine, CaseClock clock, CaseStore store, ILiveFeed live, TimeProvider time, ILogger<CaseGrain> log)
    : Grain, ICaseGrain, IRemindable
{
    private const string Deadline = "deadline";

    /// <summary>A command that meets a conflicting write is decided again on fresh state this many times in all.</summary>
    private const int MaxAttempts = 3;

    private CaseState? state;
    private string payload = string.Empty;
    private List<CaseEvent> history = [];
    private DateTimeOffset? armed;
    private Task arming = Task.CompletedTask;
    private CaseMark? reported;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await store.LoadAsync(this.GetPrimaryKeyString(), cancellationToken) is { } loaded)
        {
            (state, payload, history) = loaded;

            // A write whose answer was lost may have committed unseen: the screens and the worker get the stored truth
            // (the board ignores a version it has already).
            live.CaseChanged(CaseCard.Of(state, clock.Of(state)));
            TellWorkers(null, state);
        }
    }

    /// <summary>
    /// True when the stored history holds <paramref name="events"/>' first entry (the same step by the same person at the same
    /// millisecond, with the same note and target): this copy's write had committed.
    /// </summary>
    private bool Holds(List<CaseEvent> events) =>
        events.Count > 0 && history.Any(e => e.Seq == events[0].Seq && e.Action == events[0].Action && e.Actor == events[0].Actor
            && e.At.ToUnixTimeMilliseconds() == events[0].At.ToUnixTimeMilliseconds() && e.Note == events[0].Note && e.ToUnit == events[0].ToUnit);

    /// <summary>Takes the stored case after a conflicting write; this copy then leaves, so the next call finds the other.</summary>
    private async Task ReloadAsync()
    {
        LogConflict(log, this.GetPrimaryKeyString());
        DeactivateOnIdle();
        if (await store.LoadAsync(this.GetPrimaryKeyString()) is { } loaded)
        {
            var before = state;
            (state, payload, history) = loaded;
            reported = null;
            Report(state);
            TellWorkers(before, state);
        }
    }

    public async Task<CaseView> OpenAsync(CaseOpening opening)
    {
        ArgumentNullException.ThrowIfNull(opening);
        var code = this.GetPrimaryKeyString();
        if (state is not null)
        {
            throw new CaseRefusedException(code, state.Status, CaseAction.Accept, RefusalKind.State, "该编号的案件已存在");
        }

        var now = time.GetUtcNow();
        var next = new CaseState();
        var events = machine.Open(next, code, opening, now);
        try
        {
            await CommitAsync(next, events, now);
        }
        catch (StorageConflictException)
        {
            await ReloadAsync();
            if (!Holds(events))
            {
                throw new CaseRefusedException(code, state?.Status, CaseAction.Accept, RefusalKind.State, "该编号的案件已存在");
            }
        }

        return View();
    }

    public async Task<CaseView> ActAsync(CaseCommand command, UserProfile actor)
    {
        ArgumentNullException.ThrowIfNull(command);
        for (var attempt = 1; ; attempt++)
        {
            // A case out of the actor's sight is refused as missing, before anything (its state, archived or not) shows.
            if (state is null || !CaseMachine.CanSee(actor, state))
            {
                throw new CaseRefusedException(this.GetPrimaryKeyString(), null, command.Action, RefusalKind.NotFound, "没有这个案件");
            }

            // A request this person already made (sent again after a silo died, or by a client that lost the answer) is done.
            if (command.RequestId is { } request && history.Any(e => e.Detail?.RequestId == request && e.Actor == actor.UserName))
            {
                return View();
            }

            if (state.Status == CaseStatus.Archived)
            {
                throw new CaseRefusedException(state.Code, state.Status, command.Action, RefusalKind.State, "已归档的案件只读");
            }

            var now = time.GetUtcNow();
            // Deadlines that passed count before the action (a reminder may be a moment behind), and those it starts after.
            var next = CaseStore.Deserialize(payload);
            var events = machine.Tick(next, now);
            var step = machine.Apply(next, command, actor, now);
            if (command.RequestId is not null && step.Count > 0)
            {
                step[0] = step[0] with { Detail = (step[0].Detail ?? new CaseEventDetail()) with { RequestId = command.RequestId } };
            }

            events.AddRange(step);
            events.AddRange(machine.Tick(next, now));
            try
            {
                await CommitAsync(next, events, now);
                return View();
            }
            catch (StorageConflictException) when (attempt < MaxAttempts)
            {
                // Another copy of this case (two activations during a membership change) wrote first, or this write itself
                // committed and only its answer was lost (the group commit then retried it alone). Read the stored case: if
                // it holds this command, it is done; otherwise decide again, so the action is refused only on fresh state.
                await ReloadAsync();
                if (Holds(events))
                {
                    return View();
                }
            }
        }
    }

    public Task<CaseView?> GetAsync() => Task.FromResult(state is null ? null : View());

    public Task<IReadOnlyList<CaseAction>> AllowedAsync(UserProfile actor) =>
        Task.FromResult<IReadOnlyList<CaseAction>>(state is null ? [] : machine.Allowed(() => CaseStore.Deserialize(payload), actor, time.GetUtcNow()));

    public Task ReceiveReminder(string reminderName, TickStatus status) => CatchUpAsync();

    public async Task CatchUpAsync()
    {
        await arming;
        var now = time.GetUtcNow();
        if (state is null || state.Status is CaseStatus.Archived or CaseStatus.Rejected)
        {
            await DisarmAsync();
            return;
        }

        var next = CaseStore.Deserialize(payload);
        var events = machine.Tick(next, now);
        bool committed;
        try
        {
            committed = await CommitAsync(next, events, now);
        }
        catch (StorageConflictException)
        {
            // Another copy acted on these deadlines first; the next tick (or the sweep) looks again at the stored case.
            await ReloadAsync();
            return;
        }

        if (!committed && !await store.WriteNextDueAsync(state.Code, state.Version, clock.Of(state).NextAfter(now)))
        {
            // Nothing was due on this copy, but the stored case has moved on: that copy owns the deadline and its reminder.
            await ReloadAsync();
            return;
        }

        // Exactly the next deadline now (the tick may have found the reminder early).
        if (clock.Of(state).NextAfter(now) is { } due)
        {
            await ArmAsync(due);
        }
        else
        {
            await DisarmAsync();
        }
    }

    /// <summary>Keeps the changed state once it is durable; false when there was nothing to write.</summary>
    private async Task<bool> CommitAsync(CaseState next, List<CaseEvent> events, DateTimeOffset now)
    {
        var deadlines = clock.Of(next);
        var warnings = WarningChanges(next, deadlines, now, out var changed, out var raised);
        if (events.Count == 0 && changed.Count == 0)
        {
            return false;
        }

        // A warning raised or sharpened is a step of its own, also when it comes with others (a deadline missed while the
        // silo was down brings the card and the warning at once); one only cleared goes unmentioned beside what cleared it.
        if (events.Count == 0 || raised)
        {
            next.Version++;
            next.UpdatedAt = now;
            events.Add(new CaseEvent(next.Version, now, CaseAction.Deadline, CaseMachine.System.UserName, CaseMachine.System.DisplayName,
                null, next.Current?.To.Id, next.Status, "预警：" + string.Join("，", changed), new CaseEventDetail(Warnings: changed)));
        }

        // The next deadline is durable with the case (the sweep's record); the reminder that wakes the case on time is
        // armed beside the answer, not before it. One armed for a write that then failed only ticks early and finds
        // nothing due; one that failed is armed again by the next write (an activation starts unarmed) or the sweep.
        var nextDue = deadlines.NextAfter(now);
        if (nextDue is { } due && (armed is null || due < armed))
        {
            ArmSoon(due);
        }

        var json = CaseStore.Serialize(next);
        try
        {
            await store.WriteAsync(next, json, deadlines.HandleDue, nextDue, events, warnings);
        }
        catch (Exception e) when (e is not StorageConflictException)
        {
            // The write may have committed even so (a connection lost after COMMIT): start afresh from the database.
            DeactivateOnIdle();
            throw;
        }

        var before = state;
        state = next;
        payload = json;
        history.AddRange(events);
        LogChanged(log, next.Code, events[^1].Action, next.Status, next.Version);
        Report(next);
        Show(before, next, deadlines, now);
        TellWorkers(before, next);
        return true;
    }

    /// <summary>
    /// Brings the case's warnings to what is due now; returns the statements, a description of each change, and whether a
    /// warning was raised or changed level.
    /// </summary>
    private static List<SqlStatement> WarningChanges(CaseState next, CaseDeadlines deadlines, DateTimeOffset now, out List<string> changed, out bool raised)
    {
        var statements = new List<SqlStatement>();
        changed = [];
        raised = false;
        var due = CaseWarnings.Due(next, deadlines, now);
        foreach (var (kind, active) in next.Warnings.ToList())
        {
            if (!due.ContainsKey(kind))
            {
                statements.Add(WarningRows.Clear(active.Id, now));
                next.Warnings.Remove(kind);
                changed.Add($"{kind.ToChinese()}已解除");
            }
        }

        foreach (var (kind, level) in due)
        {
            var message = CaseWarnings.Message(next, kind, level);
            if (!next.Warnings.TryGetValue(kind, out var active))
            {
                var id = $"{next.Code}-{kind.Wire()}-{next.Version + 1}";
                statements.Add(WarningRows.Raise(id, kind, level, next.Code, next.Code, null, next.Location.RegionCode, message, now));
                next.Warnings[kind] = new ActiveWarning(id, level);
                changed.Add($"{kind.ToChinese()}（{level.ToChinese()}）");
                raised = true;
            }
            else if (active.Level != level)
            {
                statements.Add(WarningRows.Change(active.Id, level, message));
                next.Warnings[kind] = active with { Level = level };
                changed.Add($"{kind.ToChinese()}（{level.ToChinese()}）");
                raised = true;
            }
        }

        return statements;
    }

    /// <summary>A grid worker is 处置中 while a case they signed for is in their hands.</summary>
    private void TellWorkers(CaseState? before, CaseState next)
    {
        var was = HandlingWorker(before);
        var now = HandlingWorker(next);
        if (was == now)
        {
            return;
        }

        if (was is { } old)
        {
            _ = GrainFactory.GetGrain<IWorkerGrain>(old).HandlingChangedAsync(next.Code, false);
        }

        if (now is { } worker)
        {
            _ = GrainFactory.GetGrain<IWorkerGrain>(worker).HandlingChangedAsync(next.Code, true);
        }
    }

    private static long? HandlingWorker(CaseState? s) =>
        s is { Status: CaseStatus.InProgress, Current.To: { IsWorker: true } to }
        && long.TryParse(to.Id.AsSpan(Assignee.WorkerPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    /// <summary>Puts the case, and each warning that changed with it, on the screens (after the write).</summary>
    private void Show(CaseState? before, CaseState next, CaseDeadlines deadlines, DateTimeOffset now)
    {
        live.CaseChanged(CaseCard.Of(next, deadlines, before));
        foreach (var (kind, active) in next.Warnings)
        {
            if (before?.Warnings.GetValueOrDefault(kind) != active)
            {
                live.WarningChanged(WarningCard.Raised(
                    active.Id, kind, active.Level, next.Location.RegionCode, next.Code, null, CaseWarnings.Message(next, kind, active.Level), now));
            }
        }

        foreach (var (kind, old) in before?.Warnings ?? [])
        {
            if (!next.Warnings.TryGetValue(kind, out var active) || active.Id != old.Id)
            {
                live.WarningChanged(WarningCard.Cleared(old.Id, kind, next.Location.RegionCode, now));
            }
        }
    }

    /// <summary>Tells the case's grid (or region, when it has no grid) what it now counts for.</summary>
    private void Report(CaseState s)
    {
        var mark = CaseMark.Of(s);
        if (reported == mark)
        {
            return;
        }

        reported = mark;
        _ = s.Location.GridCode is { } grid
            ? GrainFactory.GetGrain<IGridGrain>(grid).CaseChangedAsync(s.Code, mark)
            : GrainFactory.GetGrain<IRegionGrain>(s.Location.RegionCode).CaseChangedAsync(s.Code, mark);
    }

    /// <summary>Arms the reminder after any arming already under way, without holding up the caller.</summary>
    private void ArmSoon(DateTimeOffset due)
    {
        armed = due;
        arming = ArmAfterAsync(arming, due);
    }

    private async Task ArmAfterAsync(Task previous, DateTimeOffset due)
    {
        await previous;
        try
        {
            await ArmAsync(due);
        }
        catch (Exception e)
        {
            if (armed == due)
            {
                armed = null;
            }

            LogArmFailed(log, e, this.GetPrimaryKeyString(), due);
        }
    }

    private async Task ArmAsync(DateTimeOffset due)
    {
        // Orleans takes a delay, counted from its own reading of the clock: an early tick finds nothing due and re-arms.
        var delay = due - time.GetUtcNow();
        await this.RegisterOrUpdateReminder(Deadline, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, clock.Options.DeadlineRetry);
        armed = due;
    }

    private async Task DisarmAsync()
    {
        if (await this.GetReminder(Deadline) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        armed = null;
    }

    private CaseView View() => CaseView.Of(state!, clock.Of(state!), history);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Case {CaseCode}: its reminder for {Due} could not be armed; the deadline sweep will wake it")]
    private static partial void LogArmFailed(ILogger logger, Exception exception, string caseCode, DateTimeOffset due);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Case {CaseCode}: another copy wrote first; deciding again on the stored case")]
    private static partial void LogConflict(ILogger logger, string caseCode);

    [LoggerMessage(EventId = 401, Level = LogLevel.Debug, Message = "Case {CaseCode}: {Action}, now {Status} (v{Version})")]
    private static partial void LogChanged(ILogger logger, string caseCode, CaseAction action, CaseStatus status, int version);
}
