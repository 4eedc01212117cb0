using Command.Testing;
using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Data;
using Microsoft.Extensions.DependencyInjection;
using static Command.Grains.Tests.Cases.CaseFixture;

namespace Command.Grains.Tests.Cases;

/// <summary>Statistics over cases that went through the real loop, against figures counted by hand.</summary>
public sealed class CaseLoopStatisticsTests
{
    [Fact]
    public async Task Figures_of_five_cases_driven_through_the_loop_match_the_hand_count()
    {
        await using var cluster = await DomainCluster.StartAsync(cases: o => o.EscalateWhenOverdue = false);
        var from = cluster.Clock.GetUtcNow();

        // A: resolved at the village, verified, revisited 满意.
        var a = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(a, VillageUser, CaseAction.Sign);
        await cluster.Case(a).ActAsync(new CaseCommand(CaseAction.Resolve, "和解", Result: CaseResult.Resolved), VillageUser);
        await cluster.Case(a).ActAsync(new CaseCommand(CaseAction.Verify, Pass: true), Town);

        // B: not resolved, verified closed, revisited 基本满意.
        var b = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(b, VillageUser, CaseAction.Sign);
        await cluster.Case(b).ActAsync(new CaseCommand(CaseAction.Resolve, "一方拒绝调解", Result: CaseResult.NotResolved), VillageUser);
        await cluster.Case(b).ActAsync(new CaseCommand(CaseAction.Verify, Pass: true), Town);

        // C: signed and left past its 3-day limit: open and overdue.
        var c = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(c, VillageUser, CaseAction.Sign);

        // D: rejected (not 受理). E: dispatched and waiting (open, on time).
        var d = (await OpenAsync(cluster)).Code;
        await cluster.Act(d, Duty, CaseAction.Reject, "重复受理");
        await OpenAsync(cluster, VillageUnit);

        // A week on: C is overdue, and A and B get their first revisit.
        cluster.Clock.Advance(TimeSpan.FromDays(7));
        await cluster.UntilDue(c, v => v.Overdue);
        await cluster.Case(a).ActAsync(new CaseCommand(CaseAction.Revisit, Satisfaction: Satisfaction.Satisfied), Town);
        await cluster.Case(b).ActAsync(new CaseCommand(CaseAction.Revisit, Satisfaction: Satisfaction.Basic), Town);

        var stats = await new CaseStatistics(cluster.Services.GetRequiredService<Database>(), cluster.Services.GetRequiredService<RegionDirectory>())
            .ComputeAsync(DomainCluster.County, from, cluster.Clock.GetUtcNow());

        Assert.Equal((4, 1, 0.25), (stats.Accepted, stats.Resolved, stats.ResolutionRate));
        Assert.Equal((2, 0.5), (stats.Completed, stats.CompletionRate));
        Assert.Equal(new OverdueBuckets(NormalOpen: 1, OverdueOpen: 1, NormalClosed: 2, OverdueClosed: 0), stats.Overdue);
        Assert.Equal(1.0, stats.SatisfactionRate);
        Assert.Equal((1, 1.0), stats.ByLevel.Where(l => l.Level == RegionLevel.Village).Select(l => (l.Resolved, l.Share)).Single());
        Assert.Equal(("02", 4, 1), stats.ByCategory.Select(x => (x.Code, x.Accepted, x.Resolved)).Single());
        Assert.Equal((DomainCluster.Township, 4), stats.ByRegion.Where(r => r.Code is not null).Select(r => (r.Code!, r.Accepted)).Single());
    }
}
