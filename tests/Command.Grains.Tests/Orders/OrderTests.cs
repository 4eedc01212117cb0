using Command.Grains.Attachments;
using Command.Grains.Orders;
using Command.Grains.Regions;
using Command.Grains.Warnings;
using Command.Data;
using Command.Testing;
using Command.Grains.Users;
using Microsoft.Extensions.DependencyInjection;
using static Command.Grains.Tests.Cases.CaseFixture;

namespace Command.Grains.Tests.Orders;

/// <summary>Dispatch orders (调度指令) on the fake clock: issue, sign, report back, who may reach whom, the 未签收 warning.</summary>
public sealed class OrderTests
{
    private const string Worker1Key = "worker-1";
    private const string VillageKey = "village-150123100001";
    private const string TownKey = "center-150123100";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task An_order_to_two_receivers_is_signed_and_reported_back_with_every_step_recorded(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var id = NewId();
        var issued = await IssueAsync(cluster, id, Leader, [TownKey, Worker1Key], TimeSpan.FromMinutes(30));
        Assert.Equal((2, 0, 0, true), (issued.Total, issued.Signed, issued.Reported, issued.Open));
        Assert.All(issued.Targets, t => Assert.Equal(OrderTargetStatus.Pending, t.Status));

        var signed = await Order(cluster, id).SignAsync(Town);
        Assert.Equal(OrderTargetStatus.Signed, signed.Targets.Single(t => t.Key == TownKey).Status);
        Assert.Equal(Town.DisplayName, signed.Targets.Single(t => t.Key == TownKey).SignedByName);

        // Signing again changes nothing; a report back before signing is refused and changes nothing.
        Assert.Equal(signed.Version, (await Order(cluster, id).SignAsync(Town)).Version);
        var early = await Assert.ThrowsAsync<OrderRefusedException>(() => Order(cluster, id).FeedbackAsync(new OrderFeedback("已到场", []), Worker1));
        Assert.Equal(OrderRefusal.State, early.Kind);

        var reported = await Order(cluster, id).FeedbackAsync(new OrderFeedback("已组织排查，无异常", ["photo-1"]), Town);
        var line = reported.Targets.Single(t => t.Key == TownKey);
        Assert.Equal((OrderTargetStatus.Reported, "已组织排查，无异常", "photo-1"), (line.Status, line.FeedbackText, line.Photos.Single()));
        Assert.Equal((2, 1, 1), (reported.Total, reported.Signed, reported.Reported));

        await Order(cluster, id).SignAsync(Worker1);
        var done = await Order(cluster, id).FeedbackAsync(new OrderFeedback("已到场处置", []), Worker1);
        Assert.False(done.Open);
        Assert.Equal(
            [(OrderAction.Issue, "leader"), (OrderAction.Sign, "town"), (OrderAction.Feedback, "town"), (OrderAction.Sign, "worker1"), (OrderAction.Feedback, "worker1")],
            done.History.Select(e => (e.Action, e.Actor)));
        Assert.Equal(5L, await cluster.CountAsync("SELECT count(*) FROM order_events WHERE order_id = $1", id));
        Assert.Equal(0L, await cluster.CountAsync("SELECT is_open FROM orders WHERE id = $1", id));
    }

    [Fact]
    public async Task A_township_reaches_only_its_own_villages_and_workers_and_others_see_nothing()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var directory = cluster.Services.GetRequiredService<RegionDirectory>();

        Assert.NotNull(OrderAccess.Reach(Town, VillageKey, directory));
        Assert.NotNull(OrderAccess.Reach(Town, Worker1Key, directory));
        Assert.Null(OrderAccess.Reach(Town, "dept-150123-police", directory));     // a county department
        Assert.Null(OrderAccess.Reach(Town, TownKey, directory));                  // itself
        Assert.Null(OrderAccess.Reach(Stranger, VillageKey, directory));           // another township's village
        Assert.Null(OrderAccess.Reach(VillageUser, Worker1Key, directory));        // a village issues no orders
        Assert.NotNull(OrderAccess.Reach(Duty, TownKey, directory));
        Assert.NotNull(OrderAccess.Reach(Duty, "dept-150123-police", directory));
        Assert.Null(OrderAccess.Reach(Duty, "center-150123", directory));          // its own center
        Assert.DoesNotContain(OrderAccess.Reachable(Town, directory), t => !RegionCode.IsWithin(t.RegionCode, DomainCluster.Township));
        Assert.Contains(OrderAccess.Reachable(Town, directory), t => t.Key == "worker-2" && t.Name.EndsWith("（兼职网格员）", StringComparison.Ordinal));   // part-time workers listed too

        var refused = await Assert.ThrowsAsync<OrderRefusedException>(() => IssueAsync(cluster, NewId(), VillageUser, [Worker1Key], TimeSpan.FromMinutes(5)));
        Assert.Equal(OrderRefusal.Forbidden, refused.Kind);

        var id = NewId();
        await IssueAsync(cluster, id, Town, [VillageKey], TimeSpan.FromMinutes(5));
        Assert.Null(await Order(cluster, id).GetAsync(Stranger));
        Assert.Null(await Order(cluster, id).GetAsync(Worker1));                   // not a receiver of this one
        Assert.NotNull(await Order(cluster, id).GetAsync(Duty));                   // the county watches its townships' orders
        Assert.Equal(OrderRefusal.NotFound, (await Assert.ThrowsAsync<OrderRefusedException>(() => Order(cluster, id).SignAsync(Stranger))).Kind);
        Assert.Equal(OrderRefusal.Forbidden, (await Assert.ThrowsAsync<OrderRefusedException>(() => Order(cluster, id).SignAsync(Duty))).Kind);
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM order_events WHERE order_id = $1", id));
    }

    [Fact]
    public async Task A_receiver_not_signed_at_the_limit_raises_one_warning_that_signing_clears()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var id = NewId();
        await IssueAsync(cluster, id, Duty, [TownKey, VillageKey], TimeSpan.FromMinutes(10));
        await Order(cluster, id).SignAsync(Town);

        cluster.Clock.Advance(TimeSpan.FromMinutes(9));
        await Order(cluster, id).CatchUpAsync();
        Assert.Equal(0, (await Order(cluster, id).GetAsync(Duty))!.Warnings);

        cluster.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var warned = await cluster.UntilDueAsync(async () => (await Order(cluster, id).GetAsync(Duty))!, o => o.Warnings == 1, DeadlineRetry, "the unsigned warning");
        Assert.True(warned.Targets.Single(t => t.Key == VillageKey).Unsigned);
        Assert.False(warned.Targets.Single(t => t.Key == TownKey).Unsigned);
        Assert.Equal("超时未签收", warned.Targets.Single(t => t.Key == VillageKey).StatusName);
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE kind = 'order_unsigned' AND cleared_at IS NULL AND region_code = $1", DomainCluster.Village));
        Assert.Contains(cluster.Board().Warnings.Values, w => w.Kind == WarningKind.OrderUnsigned && w.Active && w.KindName == "指令未签收");

        await Order(cluster, id).SignAsync(VillageUser);
        Assert.Equal(0L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE kind = 'order_unsigned' AND cleared_at IS NULL"));
        Assert.Equal(0, (await Order(cluster, id).GetAsync(Duty))!.Warnings);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_limit_that_passed_while_the_silo_was_down_warns_exactly_once_after_restart(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var id = NewId();
        await IssueAsync(cluster, id, Duty, [VillageKey], TimeSpan.FromMinutes(10));
        await cluster.KillAsync();
        cluster.Clock.Advance(TimeSpan.FromHours(1));
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);

        await cluster.UntilDueAsync(async () => (await Order(cluster, id).GetAsync(Duty))!, o => o.Warnings == 1, DeadlineRetry, "the unsigned warning");
        for (var i = 0; i < 5; i++)
        {
            cluster.Clock.Advance(TimeSpan.FromMinutes(1));
            await Order(cluster, id).CatchUpAsync();
        }

        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE kind = 'order_unsigned'"));
        Assert.Single((await Order(cluster, id).GetAsync(Duty))!.History, e => e.Action == OrderAction.Unsigned);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_limit_whose_reminder_was_lost_is_woken_by_the_sweep_once(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var id = NewId();
        await IssueAsync(cluster, id, Duty, [VillageKey], TimeSpan.FromMinutes(10));
        await cluster.KillAsync();
        await cluster.Database.ExecuteAsync(provider == StorageProvider.Postgres ? "DELETE FROM orleans_reminder" : "DELETE FROM reminders");
        cluster.Clock.Advance(TimeSpan.FromHours(1));
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);

        var sweep = cluster.GrainFactory.GetGrain<Command.Grains.Cases.IDeadlineSweepGrain>(Command.Grains.Cases.IDeadlineSweepGrain.Key);
        Assert.Equal(1, await sweep.SweepAsync());
        Assert.Equal(1, (await Order(cluster, id).GetAsync(Duty))!.Warnings);
        Assert.Equal(0, await sweep.SweepAsync());
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE kind = 'order_unsigned'"));
    }

    [Fact]
    public async Task A_signed_receiver_not_reported_back_at_the_limit_raises_one_unreported_warning_that_the_report_clears()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var id = NewId();
        var issued = await IssueAsync(cluster, id, Duty, [TownKey, VillageKey], TimeSpan.FromMinutes(10));
        await Order(cluster, id).SignAsync(Town);
        await Order(cluster, id).SignAsync(VillageUser);
        await Order(cluster, id).FeedbackAsync(new OrderFeedback("已排查完毕", []), Town);

        // A minute before the report-back limit nothing is due.
        cluster.Clock.Advance(issued.FeedbackBy - cluster.Clock.GetUtcNow() - TimeSpan.FromMinutes(1));
        await Order(cluster, id).CatchUpAsync();
        Assert.Equal(0, (await Order(cluster, id).GetAsync(Duty))!.Warnings);

        cluster.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var warned = await cluster.UntilDueAsync(async () => (await Order(cluster, id).GetAsync(Duty))!, o => o.Warnings == 1, DeadlineRetry, "the unreported warning");
        var village = warned.Targets.Single(t => t.Key == VillageKey);
        Assert.Equal((true, false, "超时未反馈"), (village.Unreported, village.Unsigned, village.StatusName));
        Assert.False(warned.Targets.Single(t => t.Key == TownKey).Unreported);
        Assert.Contains(cluster.Board().Warnings.Values, w => w.Kind == WarningKind.OrderUnreported && w.Active && w.KindName == "指令未反馈");
        // Each receiver's own view (what its screens are sent) counts its own warning only.
        Assert.Equal(1, OrderViews.ForReceiver(warned, VillageKey).Warnings);
        Assert.Equal(0, OrderViews.ForReceiver(warned, TownKey).Warnings);

        // Later ticks raise nothing more.
        for (var i = 0; i < 3; i++)
        {
            cluster.Clock.Advance(TimeSpan.FromMinutes(1));
            await Order(cluster, id).CatchUpAsync();
        }

        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE kind = 'order_unreported' AND cleared_at IS NULL AND region_code = $1", DomainCluster.Village));
        Assert.Single((await Order(cluster, id).GetAsync(Duty))!.History, e => e.Action == OrderAction.Unreported);

        var reported = await Order(cluster, id).FeedbackAsync(new OrderFeedback("已处置", []), VillageUser);
        Assert.Equal(0, reported.Warnings);
        Assert.False(reported.Open);
        Assert.Equal(0L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE kind = 'order_unreported' AND cleared_at IS NULL"));
        Assert.Contains(cluster.Board().Warnings.Values, w => w.Kind == WarningKind.OrderUnreported && !w.Active);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_report_back_limit_that_passed_while_the_silo_was_down_warns_once_after_restart_and_a_late_signer_at_once(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var id = NewId();
        await IssueAsync(cluster, id, Duty, [TownKey, VillageKey], TimeSpan.FromMinutes(10));
        await Order(cluster, id).SignAsync(Town);
        await cluster.KillAsync();
        cluster.Clock.Advance(TimeSpan.FromHours(3));
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);

        // The town signed and did not report back; the village never signed: one warning of each kind.
        var warned = await cluster.UntilDueAsync(async () => (await Order(cluster, id).GetAsync(Duty))!, o => o.Warnings == 2, DeadlineRetry, "both warnings");
        Assert.True(warned.Targets.Single(t => t.Key == TownKey).Unreported);
        Assert.True(warned.Targets.Single(t => t.Key == VillageKey).Unsigned);

        // The village signs long after both limits: its 未签收 clears and its 未反馈 is raised at once.
        var signed = await Order(cluster, id).SignAsync(VillageUser);
        Assert.Equal((false, true), (signed.Targets.Single(t => t.Key == VillageKey).Unsigned, signed.Targets.Single(t => t.Key == VillageKey).Unreported));
        for (var i = 0; i < 3; i++)
        {
            cluster.Clock.Advance(TimeSpan.FromMinutes(1));
            await Order(cluster, id).CatchUpAsync();
        }

        Assert.Equal(2L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE kind = 'order_unreported' AND cleared_at IS NULL"));
        Assert.Equal(0L, await cluster.CountAsync("SELECT count(*) FROM warnings WHERE kind = 'order_unsigned' AND cleared_at IS NULL"));
        Assert.Equal(2, (await Order(cluster, id).GetAsync(Duty))!.History.Count(e => e.Action == OrderAction.Unreported));
    }

    [Fact]
    public async Task An_order_warning_counts_in_the_region_counters_up_the_tree_until_it_clears()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var county = cluster.GrainFactory.GetGrain<IRegionGrain>(DomainCluster.County);
        var township = cluster.GrainFactory.GetGrain<IRegionGrain>(DomainCluster.Township);
        var village = cluster.GrainFactory.GetGrain<IRegionGrain>(DomainCluster.Village);
        var before = (await county.GetCountersAsync()).Warnings;

        // A worker (counted at its grid's village) and a township center, neither signing in time.
        var id = NewId();
        await IssueAsync(cluster, id, Duty, [Worker1Key, TownKey], TimeSpan.FromMinutes(10));
        cluster.Clock.Advance(TimeSpan.FromMinutes(11));
        await cluster.UntilDueAsync(async () => (await Order(cluster, id).GetAsync(Duty))!, o => o.Warnings == 2, DeadlineRetry, "two unsigned warnings");

        await Eventually.Until(() => county.GetCountersAsync(), c => c.Warnings == before + 2, what: "the county counting both order warnings");
        Assert.Equal(before + 2, (await township.GetCountersAsync()).Warnings);
        Assert.Equal(1, (await village.GetCountersAsync()).Warnings - (await village.GetChildrenAsync()).Values.Sum(c => c.Warnings));

        await Order(cluster, id).SignAsync(Worker1);
        await Eventually.Until(() => county.GetCountersAsync(), c => c.Warnings == before + 1, what: "the county after the worker signed");
        Assert.Equal(0, (await village.GetCountersAsync()).Warnings - (await village.GetChildrenAsync()).Values.Sum(c => c.Warnings));
        await Order(cluster, id).SignAsync(Town);
        await Eventually.Until(() => county.GetCountersAsync(), c => c.Warnings == before, what: "the county after both signed");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task A_draft_attachment_taken_by_one_order_refuses_a_second_order_naming_it_and_keeps_nothing_of_it(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var store = cluster.Services.GetRequiredService<AttachmentStore>();
        var draft = await store.AddAsync(OrderAttachments.DraftOwner(Duty.UserName), "现场图.png", "image/png", [1, 2, 3], Duty.UserName);
        var file = new OrderAttachment(draft.Id, draft.Name, draft.ContentType, draft.Size, draft.Url);

        var first = NewId();
        var taken = await IssueAsync(cluster, first, Duty, [VillageKey], TimeSpan.FromMinutes(30), [file]);
        Assert.Equal(draft.Id, taken.Attachments.Single().Id);

        // The second order passed any check made before (as two orders sent at once do) but finds the draft gone.
        var second = NewId();
        var refused = await Assert.ThrowsAsync<OrderRefusedException>(() => IssueAsync(cluster, second, Duty, [VillageKey], TimeSpan.FromMinutes(30), [file]));
        Assert.Equal(OrderRefusal.State, refused.Kind);
        Assert.Contains("附件已被其他指令使用", refused.Reason, StringComparison.Ordinal);

        Assert.Equal(OrderAttachments.Owner(first), (await store.GetAsync(draft.Id))!.CaseCode);
        Assert.Equal(0L, await cluster.CountAsync("SELECT count(*) FROM orders WHERE id = $1", second));
        Assert.Equal(0L, await cluster.CountAsync("SELECT count(*) FROM order_events WHERE order_id = $1", second));
        Assert.Equal(0L, await cluster.CountAsync("SELECT count(*) FROM order_targets WHERE order_id = $1", second));
        Assert.Null(await Order(cluster, second).GetAsync(Duty));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Drafts_no_order_took_within_a_day_are_deleted_by_the_sweep_and_an_order_naming_one_is_refused(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var store = cluster.Services.GetRequiredService<AttachmentStore>();
        var stale = await store.AddAsync(OrderAttachments.DraftOwner(Duty.UserName), "旧图.png", "image/png", [1], Duty.UserName);
        var kept = await store.AddAsync(OrderAttachments.DraftOwner(Duty.UserName), "已用.png", "image/png", [2], Duty.UserName);
        var id = NewId();
        await IssueAsync(cluster, id, Duty, [VillageKey], TimeSpan.FromDays(3), [new OrderAttachment(kept.Id, kept.Name, kept.ContentType, kept.Size, kept.Url)]);
        cluster.Clock.Advance(TimeSpan.FromHours(23));
        var fresh = await store.AddAsync(OrderAttachments.DraftOwner(Leader.UserName), "新图.png", "image/png", [3], Leader.UserName);
        var sweep = cluster.GrainFactory.GetGrain<IDraftSweepGrain>(IDraftSweepGrain.Key);
        Assert.Equal(0, await sweep.SweepAsync());

        cluster.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await sweep.SweepAsync());
        Assert.Null(await store.GetAsync(stale.Id));
        Assert.NotNull(await store.GetAsync(fresh.Id));
        Assert.Equal(OrderAttachments.Owner(id), (await store.GetAsync(kept.Id))!.CaseCode); // an order's file is never a draft
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'attachment-draft-sweep'"));
        Assert.Equal(0, await sweep.SweepAsync());

        var refused = await Assert.ThrowsAsync<OrderRefusedException>(() => IssueAsync(
            cluster, NewId(), Duty, [VillageKey], TimeSpan.FromMinutes(30), [new OrderAttachment(stale.Id, stale.Name, stale.ContentType, stale.Size, stale.Url)]));
        Assert.Equal(OrderRefusal.State, refused.Kind);
    }

    private static IOrderGrain Order(CommandCluster cluster, string id) => cluster.GrainFactory.GetGrain<IOrderGrain>(id);

    private static string NewId() => Guid.NewGuid().ToString("N")[..22];

    private static Task<OrderView> IssueAsync(CommandCluster cluster, string id, UserProfile issuer, string[] keys, TimeSpan signWithin, IReadOnlyList<OrderAttachment>? files = null)
    {
        var directory = cluster.Services.GetRequiredService<RegionDirectory>();
        var now = cluster.Clock.GetUtcNow();
        var targets = keys.Select(k => OrderAccess.Reach(issuer, k, directory) ?? new OrderTargetRef(k, k, DomainCluster.Township)).ToList();
        return Order(cluster, id).IssueAsync(new OrderIssue(targets, "立即组织排查辖区安全隐患", [], null, null, now + signWithin, now + signWithin + TimeSpan.FromHours(1), files), issuer);
    }
}
