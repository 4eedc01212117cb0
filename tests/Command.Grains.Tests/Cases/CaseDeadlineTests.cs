using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Grains.Warnings;
using Command.Data;
using Command.Testing;
using static Command.Grains.Tests.Cases.CaseFixture;

namespace Command.Grains.Tests.Cases;

/// <summary>Deadlines on the fake clock, which starts on Monday 2026-11-02 09:00 China time.</summary>
public sealed class CaseDeadlineTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    [Fact]
    public async Task Unsigned_task_warns_yellow_after_one_working_day_then_red_with_a_yellow_card_then_a_red_card()
    {
        await using var cluster = await DomainCluster.StartAsync();

        // Dispatched on Friday 10:00: the weekend does not count.
        AdvanceTo(cluster, new DateTimeOffset(2026, 11, 6, 10, 0, 0, China));
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        AdvanceTo(cluster, new DateTimeOffset(2026, 11, 9, 9, 59, 0, China));
        await Settle(cluster, code);
        Assert.Empty((await cluster.Case(code).GetAsync())!.Warnings);

        AdvanceTo(cluster, new DateTimeOffset(2026, 11, 9, 10, 0, 1, China));
        var yellow = await WaitFor(cluster, code, c => c.Warnings.Any(w => w.Kind == WarningKind.Unsigned));
        Assert.Equal(WarningLevel.Yellow, yellow.Warnings.Single(w => w.Kind == WarningKind.Unsigned).Level);
        Assert.Equal(Supervision.None, yellow.Supervision);

        AdvanceTo(cluster, new DateTimeOffset(2026, 11, 10, 10, 0, 1, China));
        var red = await WaitFor(cluster, code, c => c.Supervision == Supervision.Yellow);
        Assert.Equal(WarningLevel.Red, red.Warnings.Single(w => w.Kind == WarningKind.Unsigned).Level);

        AdvanceTo(cluster, new DateTimeOffset(2026, 11, 12, 10, 0, 1, China));
        await WaitFor(cluster, code, c => c.Supervision == Supervision.Red);

        // One warning row, raised yellow and turned red; signing clears it.
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE case_code = $1 AND kind = 'unsigned' AND cleared_at IS NULL", code));
        await cluster.Act(code, VillageUser, CaseAction.Sign);
        Assert.Equal(0L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE case_code = $1 AND kind = 'unsigned' AND cleared_at IS NULL", code));
        Assert.Equal(Supervision.Red, (await cluster.Case(code).GetAsync())!.Supervision);
    }

    [Fact]
    public async Task Handling_lamp_turns_yellow_at_seventy_percent_and_red_at_the_limit_on_working_days()
    {
        await using var cluster = await DomainCluster.StartAsync(cases: o => o.EscalateWhenOverdue = false);
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);

        // 邻里纠纷 is simple: 3 working days from Monday 09:00 is Thursday 09:00; 70 % is Wednesday 11:24.
        var view = (await cluster.Case(code).GetAsync())!;
        Assert.Equal(new DateTimeOffset(2026, 11, 5, 9, 0, 0, China), view.Deadlines.HandleDue);
        Assert.Equal(new DateTimeOffset(2026, 11, 4, 11, 24, 0, China), view.Deadlines.HandleYellow);

        AdvanceTo(cluster, new DateTimeOffset(2026, 11, 4, 11, 25, 0, China));
        var yellow = await WaitFor(cluster, code, c => c.Warnings.Any(w => w.Kind == WarningKind.Overdue));
        Assert.Equal(WarningLevel.Yellow, yellow.Warnings.Single(w => w.Kind == WarningKind.Overdue).Level);
        Assert.False(yellow.Overdue);

        AdvanceTo(cluster, new DateTimeOffset(2026, 11, 5, 9, 0, 1, China));
        var red = await WaitFor(cluster, code, c => c.Overdue);
        Assert.Equal((WarningLevel.Red, Supervision.Yellow), (red.Warnings.Single(w => w.Kind == WarningKind.Overdue).Level, red.Supervision));
        Assert.Equal(1L, await cluster.CountAsync("SELECT overdue FROM cases WHERE code = $1", code));

        // An approved extension takes the cause away: the warning clears, the card stays.
        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Extend, "等待鉴定", Extension: TimeSpan.FromDays(5)), VillageUser);
        var extended = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.ApproveExtension), Town);
        Assert.DoesNotContain(extended.Warnings, w => w.Kind == WarningKind.Overdue);
        Assert.Equal(Supervision.Yellow, extended.Supervision);
        Assert.NotNull(await cluster.Database.ScalarAsync("SELECT cleared_at FROM warnings WHERE case_code = $1 AND kind = 'overdue'", code));
    }

    [Fact]
    public async Task An_overdue_case_climbs_village_then_township_then_county_keeping_each_attempt()
    {
        await using var cluster = await DomainCluster.StartAsync(
            cases: o => { o.SimpleLimit = TimeSpan.FromSeconds(60); o.RedCardAfter = TimeSpan.FromSeconds(30); },
            calendar: c => c.WorkingDaysOnly = false);
        var code = (await OpenAsync(cluster, VillageUnit)).Code;

        await cluster.Act(code, VillageUser, CaseAction.Sign);
        cluster.Clock.Advance(TimeSpan.FromSeconds(61));
        var township = await WaitFor(cluster, code, c => c.Assignment!.To.Level == RegionLevel.Township);
        Assert.Equal(("center-150123100", CaseStatus.Dispatched, Supervision.Yellow), (township.Assignment!.To.Id, township.Status, township.Supervision));
        Assert.Contains(township.Warnings, w => w.Kind == WarningKind.Escalated);

        await cluster.Act(code, Town, CaseAction.Sign);
        cluster.Clock.Advance(TimeSpan.FromSeconds(61));
        var county = await WaitFor(cluster, code, c => c.Assignment!.To.Level == RegionLevel.County);
        Assert.Equal("center-150123", county.Assignment!.To.Id);

        await cluster.Act(code, Duty, CaseAction.Sign);
        cluster.Clock.Advance(TimeSpan.FromSeconds(61));
        var overdue = await WaitFor(cluster, code, c => c.Overdue && c.Warnings.Any(w => w.Kind == WarningKind.Overdue && w.Level == WarningLevel.Red));
        Assert.Equal(RegionLevel.County, overdue.Assignment!.To.Level);
        cluster.Clock.Advance(TimeSpan.FromSeconds(31));
        var carded = await WaitFor(cluster, code, c => c.Supervision == Supervision.Red);

        Assert.Equal([RegionLevel.Village, RegionLevel.Township, RegionLevel.County], carded.Attempts.Select(a => a.Level));
        Assert.Equal(["超期上报", "超期上报", null], carded.Attempts.Select(a => a.Outcome));
        Assert.Equal(2, carded.History.Count(e => e.Action == CaseAction.Escalate && e.Actor == "system"));
        Assert.Equal(WarningLevel.Red, carded.Warnings.Single(w => w.Kind == WarningKind.Escalated).Level);
    }

    [Fact]
    public async Task A_closed_dispute_is_revisited_weekly_for_four_weeks_then_monthly()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);
        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Resolve, "和解", Result: CaseResult.Resolved), VillageUser);
        var closed = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Verify, Pass: true), Town);
        var at = closed.ClosedAt!.Value;
        Assert.Equal(
            [7, 14, 21, 28, 58, 88],
            closed.Revisits.Select(r => (int)(r.Due - at).TotalDays));

        cluster.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        await WaitFor(cluster, code, c => c.Warnings.Any(w => w.Kind == WarningKind.RevisitDue));
        var done = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Revisit, Satisfaction: Satisfaction.Basic), Town);
        Assert.DoesNotContain(done.Warnings, w => w.Kind == WarningKind.RevisitDue);
        Assert.Equal(at + TimeSpan.FromDays(14), done.Deadlines.RevisitDue);

        // A hotline case gets one callback the next day.
        var hotline = (await OpenAsync(cluster, VillageUnit, Intake(channel: CaseChannel.Hotline) with { Hotline = new HotlineOrder("12345-0001", "张先生") })).Code;
        await cluster.Act(hotline, VillageUser, CaseAction.Sign);
        await cluster.Case(hotline).ActAsync(new CaseCommand(CaseAction.Resolve, "已答复", Result: CaseResult.Resolved), VillageUser);
        var callback = await cluster.Case(hotline).ActAsync(new CaseCommand(CaseAction.Verify, Pass: true), Town);
        Assert.Equal(TimeSpan.FromDays(1), Assert.Single(callback.Revisits).Due - callback.ClosedAt!.Value);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_kill_keeps_every_acknowledged_step_and_a_pending_deadline_fires_once_after_restart(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Supervise, "关注", Level: Supervision.Normal), Leader);

        await cluster.KillAsync();
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);
        var after = (await cluster.Case(code).GetAsync())!;
        Assert.Equal((CaseStatus.Dispatched, Supervision.Normal, 3), (after.Status, after.Supervision, after.History.Count));

        cluster.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await WaitFor(cluster, code, c => c.Warnings.Any(w => w.Kind == WarningKind.Unsigned));
        cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        await Settle(cluster, code);
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE case_code = $1 AND kind = 'unsigned'", code));
        Assert.Single((await cluster.Case(code).GetAsync())!.History, e => e.Action == CaseAction.Deadline);
    }

    [Fact]
    public async Task A_red_limit_missed_while_the_silo_was_down_puts_both_the_card_and_the_warning_in_the_history()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var code = await OpenThenDownOverTheYellowLimitAsync(cluster, workingDays: 2);

        var carded = await WaitFor(cluster, code, c => c.Supervision == Supervision.Yellow);

        Assert.Equal(WarningLevel.Red, carded.Warnings.Single(w => w.Kind == WarningKind.Unsigned).Level);
        var warned = Assert.Single(carded.History, e => e.Action == CaseAction.Deadline);
        Assert.Equal("预警：未签收（红色）", warned.Note);
        Assert.Equal(["未签收（红色）"], warned.Detail!.Warnings!);
        Assert.Equal(carded.History.Count, (int)await cluster.CountAsync("SELECT count(*) FROM case_events WHERE case_code = $1", code));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_sign_for_deadline_that_fell_due_while_the_silo_was_down_fires_exactly_once_after_restart(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var code = await OpenThenDownOverTheYellowLimitAsync(cluster);

        var warned = await WaitFor(cluster, code, c => c.Warnings.Any(w => w.Kind == WarningKind.Unsigned));
        Assert.Equal(WarningLevel.Yellow, warned.Warnings.Single(w => w.Kind == WarningKind.Unsigned).Level);
        cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        await Settle(cluster, code);
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE case_code = $1 AND kind = 'unsigned'", code));
        Assert.Single((await cluster.Case(code).GetAsync())!.History, e => e.Action == CaseAction.Deadline);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_deadline_whose_reminder_was_lost_is_woken_by_the_sweep_once(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var code = await OpenThenDownOverTheYellowLimitAsync(
            cluster, provider == StorageProvider.Postgres ? "DELETE FROM orleans_reminder" : "DELETE FROM reminders");

        var sweep = cluster.GrainFactory.GetGrain<IDeadlineSweepGrain>(IDeadlineSweepGrain.Key);
        Assert.Equal(1, await sweep.SweepAsync());
        var warned = (await cluster.Case(code).GetAsync())!;
        Assert.Equal(WarningLevel.Yellow, warned.Warnings.Single(w => w.Kind == WarningKind.Unsigned).Level);
        Assert.Equal(0, await sweep.SweepAsync());
        Assert.Single((await cluster.Case(code).GetAsync())!.History, e => e.Action == CaseAction.Deadline);
    }

    [Fact]
    public async Task A_case_resolved_after_its_limit_before_the_reminder_came_is_still_overdue()
    {
        await using var cluster = await DomainCluster.StartAsync(cases: o => o.EscalateWhenOverdue = false);
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);
        await cluster.KillAsync();
        cluster.Clock.Advance(TimeSpan.FromDays(10));
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);

        var resolved = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Resolve, "和解", Result: CaseResult.Resolved), VillageUser);
        Assert.True(resolved.Overdue);
        Assert.Equal(Supervision.Red, resolved.Supervision);
        Assert.Equal(1L, await cluster.CountAsync("SELECT overdue FROM cases WHERE code = $1", code));
    }

    [Fact]
    public async Task Three_cases_in_one_grid_within_a_day_make_a_hot_spot_that_clears_when_they_age_out()
    {
        await using var cluster = await DomainCluster.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await OpenAsync(cluster, VillageUnit);
        }

        var county = cluster.GrainFactory.GetGrain<IRegionGrain>(DomainCluster.County);
        var counters = await Eventually.Until(county.GetCountersAsync, c => c.Open == 3 && c.Warnings == 1, what: "three open cases and a hot spot at the county");
        Assert.Equal(3, counters.AcceptedToday);
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE subject = $1 AND kind = 'hot_spot' AND cleared_at IS NULL", DomainCluster.GridA));

        for (var i = 0; i < 25; i++)
        {
            cluster.Clock.Advance(TimeSpan.FromHours(1));
            await county.GetCountersAsync();
        }

        await Eventually.Until(
            () => cluster.CountAsync("SELECT count(*) FROM warnings WHERE subject = $1 AND kind = 'hot_spot' AND cleared_at IS NULL", DomainCluster.GridA),
            n => n == 0, what: "the hot spot cleared");
    }

    /// <summary>
    /// Opens a dispatched case, then kills the silo (running <paramref name="whileDown"/> on its database, if given), lets a
    /// working day and an hour pass, over the yellow sign-for limit and short of the red, and starts it again.
    /// </summary>
    private static async Task<string> OpenThenDownOverTheYellowLimitAsync(CommandCluster cluster, string? whileDown = null, int workingDays = 1)
    {
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.KillAsync();
        if (whileDown is not null)
        {
            await cluster.Database.ExecuteAsync(whileDown);
        }

        cluster.Clock.Advance(TimeSpan.FromDays(workingDays) + TimeSpan.FromHours(1));
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);
        return code;
    }

    private static void AdvanceTo(CommandCluster cluster, DateTimeOffset when) => cluster.Clock.Advance(when - cluster.Clock.GetUtcNow());

    /// <summary>Lets queued reminder ticks run: a read waits behind them on the grain's turn.</summary>
    private static async Task Settle(CommandCluster cluster, string code)
    {
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(50);
            await cluster.Case(code).GetAsync();
        }
    }

    private static Task<CaseView> WaitFor(CommandCluster cluster, string code, Func<CaseView, bool> done) => cluster.UntilDue(code, done);
}
