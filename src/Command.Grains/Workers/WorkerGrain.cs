using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Grids;
using Command.Grains.Live;
using Command.Grains.Warnings;
using Command.Grains.Regions;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Data;
using Microsoft.Extensions.Options;

namespace Command.Grains.Workers;

/// <summary>
/// A grid worker. Positions are durable in the positions table before they reach this grain, so it keeps no
/// state of its own: at activation it reads today's fixes back. Its status follows its fixes (离线 after the
/// offline limit, 巡查中 while moving, else 在岗) and every change is reported to its grid.
/// </summary>
internal sealed partial class WorkerGrain(
    RegionDirectory directory, Database database, IOptions<PositionOptions> options, IOptions<CaseOptions> cases, WorkCalendar calendar, ILiveFeed live,
    Audit.AuditLog audit, TimeProvider time)
    : Grain, IWorkerGrain
{
    private const double MovedMetres = 15;
    private const double MovingSpeed = 0.5;
    private const long StatusRefreshMs = 60_000;
    private static readonly TimeSpan ReloadDelay = TimeSpan.FromSeconds(30);

    private readonly PositionOptions rules = options.Value;
    private WorkerInfo info = null!;
    private PositionFix? last;
    private long lastMovedAt = long.MinValue;
    private PatrolTracker today = null!;
    private WorkerStatus status = WorkerStatus.Offline;
    private IGrainTimer? transition;
    private bool todayNeedsReload;
    private IGrainTimer? reload;
    private long statusSentAt = long.MinValue;
    private string? offlineWarning;
    private readonly HashSet<string> handling = new(StringComparer.Ordinal);
    private LiveVersion version;
    private long shownFix = long.MinValue;
    private WorkerStatus shownStatus;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyLong();
        info = directory.FindWorker(id) ?? throw new KeyNotFoundException($"No grid worker has id {id}.");
        var fixes = await ReloadTodayAsync(cancellationToken);
        if (fixes.Count == 0)
        {
            last = await PositionQueries.LastAsync(database, id, cancellationToken);
        }

        foreach (var fix in fixes)
        {
            Apply(fix);
        }

        offlineWarning = await WarningRows.ActiveIdAsync(database, SubjectOf(id), WarningKind.WorkerOffline, cancellationToken);
        sosWarning = await WarningRows.ActiveIdAsync(database, SubjectOf(id), WarningKind.Sos, cancellationToken);
        await database.QueryAsync(
            new SqlStatement("SELECT code FROM cases WHERE unit_id = $1 AND status = $2", Assignee.WorkerKey(id), CaseStatus.InProgress.Wire()),
            r => handling.Add(r.GetString(0)), cancellationToken);
        await UpdateStatusAsync();
    }

    public async Task ReportPositionsAsync(PositionFix[] fixes)
    {
        foreach (var fix in fixes)
        {
            Apply(fix);
        }

        if (todayNeedsReload)
        {
            // A phone uploaded what it buffered offline: the day's figures are recomputed from the stored track,
            // shortly and once for however many late batches arrive meanwhile.
            reload ??= this.RegisterGrainTimer(_ => RecomputeTodayAsync(), ReloadDelay, Timeout.InfiniteTimeSpan);
        }

        await UpdateStatusAsync();
    }

    public async Task HandlingChangedAsync(string caseCode, bool isHandling)
    {
        if (isHandling ? handling.Add(caseCode) : handling.Remove(caseCode))
        {
            await UpdateStatusAsync();
        }
    }

    private async Task RecomputeTodayAsync()
    {
        reload?.Dispose();
        reload = null;
        if (todayNeedsReload)
        {
            foreach (var fix in await ReloadTodayAsync(CancellationToken.None))
            {
                today.Add(fix);
            }
        }
    }

    public Task<WorkerSnapshot> GetAsync()
    {
        var date = ChinaDate.Of(time.GetUtcNow());
        var patrol = today.Date == date ? today.Summary : new PatrolDay(date, TimeSpan.Zero, 0, 0, null, null);

        // Computed for this instant: the transition timer may be a moment behind.
        var now = Compute(time.GetUtcNow().ToUnixTimeMilliseconds(), out _);
        return Task.FromResult(new WorkerSnapshot(info.Id, now, last, patrol));
    }

    private void Apply(in PositionFix fix)
    {
        var date = ChinaDate.Of(fix.Time);
        if (date > today.Date)
        {
            today = new PatrolTracker(date, rules.OnlineGap);
        }

        if (date == today.Date)
        {
            todayNeedsReload |= today.Summary.Last is { } latest && fix.Time < latest.ToUnixTimeMilliseconds();
            today.Add(fix);
        }

        if (last is { } previous && fix.Time <= previous.Time)
        {
            return; // a buffered, older fix: it counts for the day's patrol, not for "now"
        }

        var moved = last is { } p && Geodesy.Metres(p.Lat, p.Lon, fix.Lat, fix.Lon) >= MovedMetres;
        if (moved || fix.Speed >= MovingSpeed)
        {
            lastMovedAt = fix.Time;
        }

        last = fix;
    }

    /// <summary>Starts today's tracker afresh and returns today's stored fixes (oldest first) for it.</summary>
    private async Task<List<PositionFix>> ReloadTodayAsync(CancellationToken cancellationToken)
    {
        var date = ChinaDate.Of(time.GetUtcNow());
        today = new PatrolTracker(date, rules.OnlineGap);
        todayNeedsReload = false;
        return await PositionQueries.TrackAsync(database, info.Id, ChinaDate.StartOf(date), DateTimeOffset.MaxValue.AddDays(-1), 100_000, cancellationToken);
    }

    private async Task UpdateStatusAsync()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var next = Compute(now, out var due);

        Show(next, now);

        // A change is reported at once; an unchanged status again after a minute, so a lost report heals.
        if (next != status || now - statusSentAt >= StatusRefreshMs)
        {
            status = next;
            statusSentAt = now;
            await GrainFactory.GetGrain<IGridGrain>(info.GridCode).WorkerStatusChangedAsync(info.Id, status);
        }

        if (status != WorkerStatus.Offline && due is { } untilChange)
        {
            // Stay active while online, so that going offline is noticed and reported.
            var offlineIn = TimeSpan.FromMilliseconds(last!.Value.Time + (long)rules.OfflineAfter.TotalMilliseconds - now);
            DelayDeactivation((offlineIn > untilChange ? offlineIn : untilChange) + TimeSpan.FromMinutes(1));
        }

        await WarnIfOfflineTooLongAsync(now);
        if (due is null && OfflineWarningAt() is { } warnAt && warnAt > now)
        {
            // Stay until the warning is due, so it is raised.
            due = TimeSpan.FromMilliseconds(warnAt - now);
            DelayDeactivation(due.Value + TimeSpan.FromMinutes(1));
        }

        if (due is { } delay)
        {
            if (transition is null)
            {
                transition = this.RegisterGrainTimer(_ => UpdateStatusAsync(), delay, Timeout.InfiniteTimeSpan);
            }
            else
            {
                transition.Change(delay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>
    /// 网格员离线: a worker who reported today and has been offline for Cases:WorkerOfflineWarning during office hours
    /// gets a warning; the next fix clears it.
    /// </summary>
    private async Task WarnIfOfflineTooLongAsync(long now)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now);
        if (status != WorkerStatus.Offline && offlineWarning is { } id)
        {
            await database.WriteAsync(WarningRows.Clear(id, at));
            live.WarningChanged(WarningCard.Cleared(id, WarningKind.WorkerOffline, info.GridCode, at));
            offlineWarning = null;
            await GrainFactory.GetGrain<IGridGrain>(info.GridCode).WorkerWarningChangedAsync(info.Id, sosWarning is not null);
        }
        else if (offlineWarning is null && OfflineWarningAt() is { } warnAt && now >= warnAt)
        {
            var warning = $"{info.Id}-{WarningKind.WorkerOffline.Wire()}-{now}";
            var since = DateTimeOffset.FromUnixTimeMilliseconds(last!.Value.Time).ToOffset(ChinaDate.Offset);
            var message = $"网格员{info.Name}自 {since:HH:mm} 起离线";
            await database.WriteAsync(WarningRows.Raise(
                warning, WarningKind.WorkerOffline, WarningLevel.Yellow, SubjectOf(info.Id), null, info.Id, info.GridCode, message, at));
            offlineWarning = warning;
            live.WarningChanged(WarningCard.Raised(warning, WarningKind.WorkerOffline, WarningLevel.Yellow, info.GridCode, null, info.Id, message, at));
            await GrainFactory.GetGrain<IGridGrain>(info.GridCode).WorkerWarningChangedAsync(info.Id, true);
        }
    }

    /// <summary>When an offline worker who reported today is due a warning; null when none is due.</summary>
    private long? OfflineWarningAt()
    {
        if (status != WorkerStatus.Offline || offlineWarning is not null || last is not { } fix || ChinaDate.Of(fix.Time) != ChinaDate.Of(time.GetUtcNow()))
        {
            return null;
        }

        // Due after the offline time, but not before office hours begin (someone gone since 07:00 is flagged at 08:30+);
        // none once office hours are over.
        var due = DateTimeOffset.FromUnixTimeMilliseconds(fix.Time) + rules.OfflineAfter + cases.Value.WorkerOfflineWarning;
        if (calendar.OfficeHours(ChinaDate.Of(due)) is not { } hours || due >= hours.End)
        {
            return null;
        }

        return (due < hours.Start ? hours.Start : due).ToUnixTimeMilliseconds();
    }

    /// <summary>Puts the worker on the screens when their position or status changed (the fixes are durable already).</summary>
    private void Show(WorkerStatus next, long now)
    {
        if (last is not { } fix || (fix.Time == shownFix && next == shownStatus))
        {
            return;
        }

        // A new position is versioned by its fix time; a status change, and the first publish of an activation (the last
        // one before may have been a later status change), by the clock.
        var moved = fix.Time != shownFix && shownFix != long.MinValue;
        shownFix = fix.Time;
        shownStatus = next;
        live.WorkerChanged(new WorkerMark(info.Id, info.GridCode, fix.Lat, fix.Lon, next, fix.Time, version.Next(moved ? fix.Time : now)));
    }

    private static string SubjectOf(long workerId) => workerId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The status at <paramref name="now"/>, and how long until it would change by itself.</summary>
    private WorkerStatus Compute(long now, out TimeSpan? due)
    {
        due = null;
        if (last is not { } fix)
        {
            return WorkerStatus.Offline;
        }

        var offlineAt = fix.Time + (long)rules.OfflineAfter.TotalMilliseconds;
        if (now >= offlineAt)
        {
            return WorkerStatus.Offline;
        }

        var patrolEnds = lastMovedAt == long.MinValue ? long.MinValue : lastMovedAt + (long)rules.PatrolWindow.TotalMilliseconds;
        var patrolling = now < patrolEnds;
        due = TimeSpan.FromMilliseconds(Math.Max(1, (patrolling ? Math.Min(offlineAt, patrolEnds) : offlineAt) - now));

        // 处置中 while a signed case is in their hands (and they are reporting).
        return handling.Count > 0 ? WorkerStatus.Handling : patrolling ? WorkerStatus.Patrolling : WorkerStatus.OnDuty;
    }
}
