using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Grains.Workers;
using Command.Testing;
using static Command.Grains.Tests.Cases.CaseFixture;

namespace Command.Grains.Tests.Cases;

public sealed class CaseLoopTests
{
    [Fact]
    public async Task A_dispute_walks_the_whole_loop_and_every_step_is_in_the_durable_history()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var opened = await OpenAsync(cluster, VillageUnit);
        var code = opened.Code;
        Assert.Equal(CaseStatus.Dispatched, opened.Status);
        Assert.Equal("center-150123100", opened.Assignment!.DispatchedBy);
        Assert.Equal([CaseAction.Accept, CaseAction.Dispatch], opened.History.Select(e => e.Action));
        Assert.Contains("测试规则", opened.History[1].Note, StringComparison.Ordinal);

        var signed = await cluster.Act(code, VillageUser, CaseAction.Sign);
        Assert.Equal(CaseStatus.InProgress, signed.Status);
        // A "photo" that is a script, or another scheme, is refused: the consoles link to every photo of the history.
        foreach (var script in (string[])["javascript:alert(1)", "//evil.example/x.jpg", "data:text/html,<b>x</b>"])
        {
            var refused = await Refused(() => cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Progress, "看照片", Photos: [script]), VillageUser));
            Assert.Equal(RefusalKind.Invalid, refused.Kind);
        }

        var progress = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Progress, "已上门了解情况", Photos: ["/photos/1.jpg", "https://12345.example/p/2.jpg"]), VillageUser);
        Assert.Equal(["/photos/1.jpg", "https://12345.example/p/2.jpg"], progress.History[^1].Detail!.Photos!);
        Assert.Single(progress.History, e => e.Action == CaseAction.Progress);
        var consult = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Consult, "请司法所协助", Units: ["dept-150123100-justice"]), VillageUser);
        Assert.Equal("dept-150123100-justice", Assert.Single(consult.Consults).Id);

        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Extend, "需等待鉴定", Extension: TimeSpan.FromDays(2)), VillageUser);
        var again = await Refused(() => cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Extend, "再延", Extension: TimeSpan.FromDays(1)), VillageUser));
        Assert.Equal(RefusalKind.State, again.Kind);
        Assert.Equal(RefusalKind.Forbidden, (await Refused(() => cluster.Act(code, VillageUser, CaseAction.ApproveExtension))).Kind);
        var approved = await cluster.Act(code, Town, CaseAction.ApproveExtension, note: null);
        Assert.Equal(TimeSpan.FromDays(2), approved.Assignment!.Extension);
        Assert.Null(approved.PendingExtension);

        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Resolve, "双方达成协议", Result: CaseResult.Resolved), VillageUser);
        Assert.Equal(RefusalKind.Forbidden, (await Refused(() => cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Verify, Pass: true), VillageUser))).Kind);
        var closed = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Verify, Pass: true), Town);
        Assert.Equal(CaseStatus.Closed, closed.Status);
        Assert.Equal(RegionLevel.Village, closed.ResolvedLevel);
        Assert.Equal(6, closed.Revisits.Count);

        var early = await Refused(() => cluster.Act(code, Town, CaseAction.Archive));
        Assert.Contains("还有 6 次回访", early.Message, StringComparison.Ordinal);
        var tooSoon = await Refused(() => cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Revisit, Satisfaction: Satisfaction.Satisfied), Town));
        Assert.Contains("第 1 次回访应在", tooSoon.Reason, StringComparison.Ordinal);
        foreach (var revisit in closed.Revisits)
        {
            cluster.Clock.Advance(revisit.Due - cluster.Clock.GetUtcNow());
            await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Revisit, Satisfaction: Satisfaction.Satisfied), Town);
        }

        Assert.Equal(CaseStatus.Archived, (await cluster.Act(code, Town, CaseAction.Archive)).Status);
        var readOnly = await Refused(() => cluster.Act(code, Leader, CaseAction.Supervise));
        Assert.Contains("已归档", readOnly.Message, StringComparison.Ordinal);

        await cluster.KillAsync();
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);
        var reloaded = (await cluster.Case(code).GetAsync())!;
        Assert.Equal(CaseStatus.Archived, reloaded.Status);
        Assert.Equal(
            [CaseAction.Accept, CaseAction.Dispatch, CaseAction.Sign, CaseAction.Progress, CaseAction.Consult, CaseAction.Extend, CaseAction.ApproveExtension,
                CaseAction.Resolve, CaseAction.Verify, .. Enumerable.Repeat(CaseAction.Revisit, 6), CaseAction.Archive],
            reloaded.History.Where(e => e.Action != CaseAction.Deadline).Select(e => e.Action));
        Assert.All(reloaded.History.Where(e => e.Action == CaseAction.Deadline), e => Assert.Contains("待回访", e.Note, StringComparison.Ordinal));
        Assert.Equal(["duty", "system", "village", "village", "village", "village", "town", "village", "town"], reloaded.History.Take(9).Select(e => e.Actor));
        Assert.Equal("center-150123100", reloaded.History[6].FromUnit);
        Assert.Equal("village-150123100001", reloaded.History[6].ToUnit);
        Assert.Equal(reloaded.History.Count, await cluster.CountAsync("SELECT count(*) FROM case_events WHERE case_code = $1", code));
        Assert.Equal("resolved", await cluster.Database.ScalarAsync("SELECT result FROM cases WHERE code = $1", code));
    }

    [Fact]
    public async Task Refused_actions_name_state_action_and_reason_and_change_nothing()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var code = (await OpenAsync(cluster, VillageUnit)).Code;

        var early = await Refused(() => cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Resolve, "好了", Result: CaseResult.Resolved), VillageUser));
        Assert.Equal(RefusalKind.State, early.Kind);
        Assert.Equal("案件 " + code + " 当前状态为「待签收」，不能办结：只有处置中的案件可以办结", early.Message);

        var notMine = await Refused(() => cluster.Act(code, Worker1, CaseAction.Sign));
        Assert.Equal(RefusalKind.Forbidden, notMine.Kind);
        Assert.Contains("只有承办单位昭君道社区可以签收", notMine.Message, StringComparison.Ordinal);

        // Out of sight is refused as missing: the same kind and words as a code with no case, no state, no place.
        var outside = await Refused(() => cluster.Act(code, Stranger, CaseAction.Sign));
        var missing = await Refused(() => cluster.Act(code[..^4] + "9999", Stranger, CaseAction.Sign));
        Assert.Equal((RefusalKind.NotFound, (CaseStatus?)null), (outside.Kind, outside.Status));
        Assert.Equal(missing.Message.Replace(code[..^4] + "9999", code, StringComparison.Ordinal), outside.Message);

        Assert.Equal(RefusalKind.Forbidden, (await Refused(() => cluster.Act(code, Admin, CaseAction.Sign))).Kind);
        Assert.Equal(RefusalKind.Invalid, (await Refused(() => cluster.Act(code, Town, CaseAction.Dispatch, to: "dept-150123999-police"))).Kind);
        Assert.Equal(RefusalKind.Forbidden, (await Refused(() => cluster.Act(code, Town, CaseAction.Supervise))).Kind);
        Assert.Equal(RefusalKind.Invalid, (await Refused(() => cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Supervise), Leader))).Kind);
        Assert.Equal(RefusalKind.State, (await Refused(() => cluster.Act(code, Leader, CaseAction.CancelSupervision))).Kind);
        Assert.Equal(RefusalKind.State, (await Refused(() => cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Revisit, Satisfaction: Satisfaction.Satisfied), Town))).Kind);
        Assert.Equal(RefusalKind.State, (await Refused(() => cluster.Act(code, Duty, CaseAction.Reject))).Kind);
        Assert.Equal(RefusalKind.NotFound, (await Refused(() => cluster.Act("150123-20261102-9999", Duty, CaseAction.Sign))).Kind);

        var after = (await cluster.Case(code).GetAsync())!;
        Assert.Equal(CaseStatus.Dispatched, after.Status);
        Assert.Equal(2, after.History.Count);
        Assert.Equal(2L, await cluster.CountAsync("SELECT version FROM cases WHERE code = $1", code));
        Assert.Equal(2L, await cluster.CountAsync("SELECT count(*) FROM case_events WHERE case_code = $1", code));
    }

    [Fact]
    public async Task Reject_needs_the_holder_and_a_reason()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var code = (await OpenAsync(cluster)).Code;
        Assert.Equal(RefusalKind.Forbidden, (await Refused(() => cluster.Act(code, Town, CaseAction.Reject))).Kind);
        Assert.Equal(RefusalKind.Invalid, (await Refused(() => cluster.Act(code, Duty, CaseAction.Reject, note: " "))).Kind);
        var rejected = await cluster.Act(code, Duty, CaseAction.Reject, note: "不属于受理范围");
        Assert.Equal(CaseStatus.Rejected, rejected.Status);
        Assert.Equal(RefusalKind.State, (await Refused(() => cluster.Act(code, Duty, CaseAction.Dispatch, to: "village-150123100001"))).Kind);
        Assert.Equal(CaseStatus.Archived, (await cluster.Act(code, Duty, CaseAction.Archive)).Status);
    }

    [Fact]
    public async Task A_grid_worker_is_handling_while_a_case_they_signed_for_is_in_their_hands_even_after_a_restart()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var worker = cluster.GrainFactory.GetGrain<IWorkerGrain>(1);
        await cluster.Positions().AppendAsync([new PositionFix(1, cluster.Clock.GetUtcNow().ToUnixTimeMilliseconds(), 40.40, 111.80)]);
        Assert.Equal(WorkerStatus.OnDuty, (await worker.GetAsync()).Status);

        var code = (await OpenAsync(cluster)).Code;
        await cluster.Act(code, Duty, CaseAction.Dispatch, to: "worker-1");
        Assert.Equal(WorkerStatus.OnDuty, (await worker.GetAsync()).Status); // not yet signed for
        await cluster.Act(code, Worker1, CaseAction.Sign);
        await Eventually.Until(() => worker.GetAsync(), w => w.Status == WorkerStatus.Handling, what: "处置中 after signing");

        await cluster.KillAsync();
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);
        worker = cluster.GrainFactory.GetGrain<IWorkerGrain>(1);
        Assert.Equal(WorkerStatus.Handling, (await worker.GetAsync()).Status);

        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Resolve, "已调解", Result: CaseResult.Resolved), Worker1);
        await Eventually.Until(() => worker.GetAsync(), w => w.Status == WorkerStatus.OnDuty, what: "在岗 once the result is handed in");
    }

    [Fact]
    public async Task Manual_dispatch_escalation_and_return_move_the_case_between_levels()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var code = (await OpenAsync(cluster)).Code;

        // The county hands it to a grid worker, who escalates to the village, which returns it to the township.
        Assert.Equal("worker-1", (await cluster.Act(code, Duty, CaseAction.Dispatch, to: "worker-1")).Assignment!.To.Id);
        await cluster.Act(code, Worker1, CaseAction.Sign);
        var up = await cluster.Act(code, Worker1, CaseAction.Escalate, "需要社区调解");
        Assert.Equal(("village-150123100001", CaseStatus.Dispatched), (up.Assignment!.To.Id, up.Status));
        Assert.Equal("上报", up.Attempts[0].Outcome);
        var back = await cluster.Act(code, VillageUser, CaseAction.Return, "应由派出所处理");
        Assert.Equal((CaseStatus.Accepted, "center-150123100"), (back.Status, back.Holder));

        // The township sends it to its police station, which escalates to the county; the county cannot go higher.
        await cluster.Act(code, Town, CaseAction.Dispatch, to: "dept-150123100-police");
        await cluster.Act(code, TownPolice, CaseAction.Sign);
        var county = await cluster.Act(code, TownPolice, CaseAction.Escalate, "涉及多部门");
        Assert.Equal(("center-150123", RegionLevel.County), (county.Assignment!.To.Id, county.Assignment.To.Level));
        await cluster.Act(code, Duty, CaseAction.Sign);
        var top = await Refused(() => cluster.Act(code, Duty, CaseAction.Escalate, "再上报"));
        Assert.Equal(RefusalKind.State, top.Kind);
        Assert.Contains("县级", top.Reason, StringComparison.Ordinal);

        // The county hands it on to the township; the township's return brings it back to the county as it was.
        var handed = await cluster.Act(code, Duty, CaseAction.Dispatch, to: "center-150123100");
        Assert.Equal("center-150123", handed.Assignment!.DispatchedBy);
        await cluster.Act(code, Town, CaseAction.Sign);
        await cluster.Act(code, Town, CaseAction.Dispatch, to: "village-150123100001");
        var returned = await cluster.Act(code, VillageUser, CaseAction.Return, "不属本社区");
        Assert.Equal(("center-150123100", CaseStatus.InProgress), (returned.Assignment!.To.Id, returned.Status));

        // The county takes it from the township by hand: the township's attempt ends as 改派.
        var overridden = await cluster.Act(code, Duty, CaseAction.Dispatch, to: "dept-150123100-justice");
        Assert.Equal("改派", overridden.Attempts[^1].Outcome);
        Assert.All(overridden.Attempts, a => Assert.NotNull(a.Ended));
        Assert.Equal(2, returned.History.Count(e => e.Action == CaseAction.Escalate));
    }

    [Fact]
    public async Task Supervision_only_goes_up_until_cancelled_with_a_reason()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Supervise, "请抓紧", Level: Supervision.Yellow), Leader);
        var down = await Refused(() => cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Supervise, Level: Supervision.Normal), Leader));
        Assert.Contains("黄牌督办", down.Message, StringComparison.Ordinal);
        Assert.Equal(Supervision.Red, (await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Supervise, Level: Supervision.Red), Duty)).Supervision);
        Assert.Equal(RefusalKind.Invalid, (await Refused(() => cluster.Act(code, Leader, CaseAction.CancelSupervision, note: null))).Kind);
        Assert.Equal(Supervision.None, (await cluster.Act(code, Leader, CaseAction.CancelSupervision, "已整改")).Supervision);
    }

    [Fact]
    public async Task A_failed_verification_sends_it_back_and_an_unsatisfied_revisit_reopens_it()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);
        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Resolve, "调解未成", Result: CaseResult.NotResolved), VillageUser);
        Assert.Equal(RefusalKind.Invalid, (await Refused(() => cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Verify, Pass: false), Town))).Kind);
        var back = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Verify, "材料不全", Pass: false), Town);
        Assert.Equal(CaseStatus.InProgress, back.Status);

        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Resolve, "已达成协议", Result: CaseResult.Resolved), VillageUser);
        var closed = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Verify, Pass: true), Town);
        cluster.Clock.Advance(closed.Revisits[0].Due - cluster.Clock.GetUtcNow());
        var reopened = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Revisit, "当事人反映未履行", Satisfaction: Satisfaction.Unsatisfied), Town);
        Assert.Equal((CaseStatus.Dispatched, "village-150123100001"), (reopened.Status, reopened.Assignment!.To.Id));
        Assert.Null(reopened.Result);
        Assert.Equal(Satisfaction.Unsatisfied, Assert.Single(reopened.Revisits).Satisfaction);
        Assert.Equal("unsatisfied", await cluster.Database.ScalarAsync("SELECT satisfaction FROM cases WHERE code = $1", code));
    }
}
