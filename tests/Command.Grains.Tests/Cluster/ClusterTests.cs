using System.Globalization;
using Command.Data;
using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Grids;
using Command.Grains.Workers;
using Command.Grains.Regions;
using Command.Grains.Warnings;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Command.Grains.Tests.Cases.CaseFixture;
using static Command.Grains.Tests.DomainCluster;

namespace Command.Grains.Tests.Cluster;

/// <summary>
/// Several silos over one PostgreSQL database, as a county runs two nodes: one activation per case whichever silo is asked,
/// changes on every silo's screens, a deadline fired once, and a stopped silo's cases and deadlines taken over.
/// </summary>
public sealed class ClusterTests
{
    private const int Silos = 2;

    [SkippableFact]
    public async Task Commands_sent_through_both_silos_at_once_meet_one_activation_and_none_is_lost()
    {
        await using var cluster = await DomainCluster.StartAsync(StorageProvider.Postgres, silos: Silos);
        var code = (await OpenOnAsync(cluster, 1, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);

        var notes = Enumerable.Range(1, 40).Select(i => $"进展{i}").ToList();
        await Task.WhenAll(notes.Select((note, i) =>
            cluster.GrainFactoryOf(i % Silos).GetGrain<ICaseGrain>(code).ActAsync(new CaseCommand(CaseAction.Progress, note), VillageUser)));

        // Every acknowledged step is in the history, once, in an unbroken sequence, whichever silo reads it.
        foreach (var silo in Enumerable.Range(0, Silos))
        {
            var view = (await cluster.GrainFactoryOf(silo).GetGrain<ICaseGrain>(code).GetAsync())!;
            Assert.Equal(notes.Order(), view.History.Where(e => e.Action == CaseAction.Progress).Select(e => e.Note!).Order());
            Assert.Equal(Enumerable.Range(1, view.History.Count), view.History.Select(e => e.Seq));
        }

        Assert.Equal(43L, await cluster.CountAsync("SELECT count(*) FROM case_events WHERE case_code = $1", code));
    }

    [SkippableFact]
    public async Task A_change_made_on_one_silo_reaches_the_screens_of_the_other()
    {
        await using var cluster = await DomainCluster.StartAsync(StorageProvider.Postgres, silos: Silos);
        await Eventually.Until(() => Task.FromResult(cluster.SiloServices.All(s => s.GetRequiredService<Live.ClusterFeed>().PeerCount == Silos - 1)), ok => ok,
            TimeSpan.FromSeconds(20), "each silo to know the other's relay");

        var code = (await OpenOnAsync(cluster, 1, VillageUnit)).Code;
        foreach (var silo in Enumerable.Range(0, Silos))
        {
            await Eventually.Until(() => Task.FromResult(cluster.Board(silo).Cases.GetValueOrDefault(code)), c => c is { Status: CaseStatus.Dispatched },
                what: $"the new case on the screens of silo {silo}");
            await Eventually.Until(() => Task.FromResult(cluster.Board(silo).Counters.GetValueOrDefault(County)), c => c.Open == 1,
                what: $"the open case counted for the county on the screens of silo {silo}");
        }

        await cluster.GrainFactoryOf(0).GetGrain<ICaseGrain>(code).ActAsync(new CaseCommand(CaseAction.Sign), VillageUser);
        foreach (var silo in Enumerable.Range(0, Silos))
        {
            await Eventually.Until(() => Task.FromResult(cluster.Board(silo).Cases[code]), c => c.Status == CaseStatus.InProgress,
                what: $"the signed case on the screens of silo {silo}");
        }
    }

    [SkippableFact]
    public async Task A_silo_that_joins_later_shows_what_happened_before_and_what_happens_after_on_any_silo()
    {
        await using var cluster = await DomainCluster.StartAsync(StorageProvider.Postgres, silos: Silos);
        var before = (await OpenOnAsync(cluster, 1, VillageUnit)).Code;
        await Eventually.Until(() => Task.FromResult(cluster.Board(0).Counters.GetValueOrDefault(County)), c => c.Open == 1, what: "the county's counters");

        await cluster.AddSiloAsync();
        await DomainCluster.LoadAsync(cluster);
        var joined = cluster.Board(Silos);
        await Eventually.Until(() => Task.FromResult(joined.Cases.ContainsKey(before) && joined.Counters.GetValueOrDefault(County).Open == 1), ok => ok,
            TimeSpan.FromSeconds(20), "the new silo's screens to show the case and counters from before it joined");

        // From then on, changes published on either of the first two silos reach it.
        var after = new[] { (await OpenOnAsync(cluster, 0, VillageUnit)).Code, (await OpenOnAsync(cluster, 1, VillageUnit)).Code };
        await Eventually.Until(() => Task.FromResult(after.All(joined.Cases.ContainsKey)), ok => ok, what: "the cases opened after it joined");
    }

    [SkippableFact]
    public async Task When_a_silo_dies_with_a_village_and_its_grids_the_survivor_still_counts_their_cases()
    {
        await using var cluster = await DomainCluster.StartAsync(StorageProvider.Postgres, silos: Silos);
        var survivor = cluster.SiloServices[0];
        var grains = survivor.GetRequiredService<IGrainFactory>();
        var county = grains.GetGrain<IRegionGrain>(County);
        await OpenAsync(cluster, VillageUnit);
        await Eventually.Until(county.GetCountersAsync, c => c.Open == 1, what: "the open case counted");

        // The village, its township and grid A go down together, as when they all lived on the silo that dies now (where
        // they lived is the placement's choice, so they are taken down wherever they are).
        foreach (var grain in (Orleans.Runtime.IAddressable[])[
            grains.GetGrain<IGridGrain>(GridA), grains.GetGrain<IRegionGrain>(Village), grains.GetGrain<IRegionGrain>(Township)])
        {
            await cluster.DeactivateAsync(grain);
        }

        await cluster.StopSiloAsync(1);

        // Grid B's worker brings the village back; grid A, with the open case, was woken by the survivor when the silo died.
        await survivor.GetRequiredService<PositionLog>().AppendAsync([new PositionFix(3, cluster.Clock.GetUtcNow().ToUnixTimeMilliseconds(), 40.4, 111.8)]);
        await Eventually.Until(
            county.GetCountersAsync, c => c is { Online: 1, Open: 1 }, timeout: TimeSpan.FromSeconds(60), what: "grid B's worker online and grid A's case still open");
    }

    [SkippableFact]
    public async Task A_sign_for_deadline_fires_once_in_a_cluster_of_two()
    {
        await using var cluster = await DomainCluster.StartAsync(StorageProvider.Postgres, silos: Silos);
        var codes = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            codes.Add((await OpenOnAsync(cluster, i % Silos, VillageUnit)).Code);
        }

        cluster.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        foreach (var code in codes)
        {
            await cluster.UntilDue(code, c => c.Warnings.Any(w => w.Kind == WarningKind.Unsigned));
        }

        cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        await SettleAsync(cluster, codes);
        foreach (var code in codes)
        {
            Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE case_code = $1 AND kind = 'unsigned'", code));
            Assert.Single((await cluster.Case(code).GetAsync())!.History, e => e.Action == CaseAction.Deadline);
        }
    }

    [SkippableFact]
    public async Task When_a_silo_stops_the_other_serves_its_cases_and_fires_their_deadlines()
    {
        await using var cluster = await DomainCluster.StartAsync(StorageProvider.Postgres, silos: Silos);
        var codes = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            codes.Add((await OpenOnAsync(cluster, 1, VillageUnit)).Code);
            await cluster.GrainFactoryOf(1).GetGrain<ICaseGrain>(codes[^1]).ActAsync(new CaseCommand(CaseAction.Supervise, "关注", Level: Supervision.Normal), Leader);
        }

        await cluster.StopSiloAsync(1);

        // Every acknowledged step is there when the remaining silo takes the case over, and the case acts as before.
        foreach (var code in codes)
        {
            var view = (await cluster.Case(code).GetAsync())!;
            Assert.Equal((CaseStatus.Dispatched, Supervision.Normal, 3), (view.Status, view.Supervision, view.History.Count));
        }

        cluster.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        foreach (var code in codes)
        {
            await cluster.UntilDue(code, c => c.Warnings.Any(w => w.Kind == WarningKind.Unsigned));
        }

        cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        await SettleAsync(cluster, codes);
        foreach (var code in codes)
        {
            Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE case_code = $1 AND kind = 'unsigned'", code));
        }
    }

    [SkippableTheory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_command_that_meets_a_write_from_another_copy_is_decided_again_on_the_stored_case(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);

        // Another copy of the case (two activations while the membership changes) reports progress first.
        await WriteAsAnotherCopyAsync(cluster, code, new CaseCommand(CaseAction.Progress, "另一副本的进展"));
        var view = await cluster.Act(code, VillageUser, CaseAction.Progress, "本副本的进展");
        Assert.Equal(["另一副本的进展", "本副本的进展"], view.History.Where(e => e.Action == CaseAction.Progress).Select(e => e.Note));
        Assert.Equal(Enumerable.Range(1, view.History.Count), view.History.Select(e => e.Seq));

        // When the other copy has closed the case, the action is refused for what the stored case is, not answered as an error.
        await WriteAsAnotherCopyAsync(cluster, code, new CaseCommand(CaseAction.Resolve, "已调解", Result: CaseResult.Resolved));
        var refused = await Refused(() => cluster.Act(code, VillageUser, CaseAction.Progress, "迟到的进展"));
        Assert.Equal(RefusalKind.State, refused.Kind);
        Assert.Equal(CaseStatus.Resolved, (await cluster.Case(code).GetAsync())!.Status);
    }

    [SkippableTheory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_command_whose_write_committed_but_whose_answer_was_lost_is_answered_as_done_and_kept_once(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);

        // The write is in the database (its COMMIT went through) but the grain heard of a failure and wrote again: the second
        // write meets the first, which is this very command (same step, person, time and note).
        await WriteAsAnotherCopyAsync(cluster, code, new CaseCommand(CaseAction.Progress, "入户走访"));
        var view = await cluster.Act(code, VillageUser, CaseAction.Progress, "入户走访");
        Assert.Single(view.History, e => e.Action == CaseAction.Progress);
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM case_events WHERE case_code = $1 AND action = 'Progress'", code));
    }

    private static Task<CaseView> OpenOnAsync(CommandCluster cluster, int silo, Assignee to)
    {
        var code = string.Create(CultureInfo.InvariantCulture, $"150123-20261102-{Interlocked.Increment(ref opened) + 5000:D4}");
        var plan = new DispatchPlan(1, "测试规则", to, DispatchTargets.DispatcherOf(to, cluster.Services.GetRequiredService<RegionDirectory>()), []);
        return cluster.GrainFactoryOf(silo).GetGrain<ICaseGrain>(code).OpenAsync(new CaseOpening(Intake(), Location, plan, "center-150123", Duty));
    }

    /// <summary>Does what a second activation of the case would: reads the stored case, acts on it and writes it.</summary>
    private static async Task WriteAsAnotherCopyAsync(CommandCluster cluster, string code, CaseCommand command)
    {
        var store = cluster.Services.GetRequiredService<CaseStore>();
        var machine = cluster.Services.GetRequiredService<CaseMachine>();
        var (state, _, _) = (await store.LoadAsync(code))!.Value;
        var events = machine.Apply(state, command, VillageUser, cluster.Clock.GetUtcNow());
        await store.WriteAsync(state, CaseStore.Serialize(state), null, null, events, []);
    }

    private static async Task SettleAsync(CommandCluster cluster, List<string> codes)
    {
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(50);
            await Task.WhenAll(codes.Select(c => cluster.Case(c).GetAsync()));
        }
    }

    private static int opened;
}
