using Command.Grains.Cases;
using static Command.Grains.Tests.Cases.CaseFixture;

namespace Command.Grains.Tests.Cases;

/// <summary>The admin's category settings: durable, audited, and taken by cases accepted afterwards only (fake clock: Monday 2026-11-02 09:00).</summary>
public sealed class CategorySettingsTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    [Fact]
    public async Task A_new_limit_applies_to_cases_accepted_after_it_and_open_cases_keep_theirs()
    {
        await using var cluster = await DomainCluster.StartAsync(cases: o => o.EscalateWhenOverdue = false);
        var table = cluster.GrainFactory.GetGrain<ICategorySettingsGrain>(ICategorySettingsGrain.Key);
        var before = (await OpenAsync(cluster, VillageUnit)).Code;

        var saved = await table.SetAsync(new CategorySetting("02", Complexity.General, TimeSpan.FromDays(5)), "admin");
        var setting = Assert.Single(saved);
        var after = (await cluster.Case("150123-20261102-9001").OpenAsync(new CaseOpening(Intake(), Location, new(1, "测试规则", VillageUnit, "center-150123100", []), "center-150123", Duty, setting))).Code;
        var older = await cluster.Act(before, VillageUser, CaseAction.Sign);
        var newer = await cluster.Act(after, VillageUser, CaseAction.Sign);

        // 邻里纠纷 by default: simple, 3 working days (Thursday 09:00); with the setting: 5 working days (next Monday 09:00).
        Assert.Equal((Complexity.General, new DateTimeOffset(2026, 11, 9, 9, 0, 0, China)), (newer.Complexity, newer.Deadlines.HandleDue));
        Assert.Equal((Complexity.Simple, new DateTimeOffset(2026, 11, 5, 9, 0, 0, China)), (older.Complexity, older.Deadlines.HandleDue));
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'set-category' AND actor = 'admin' AND target = '02'"));
        Assert.Equal(5L * 24 * 3600 * 1000, await cluster.CountAsync("SELECT limit_ms FROM category_settings WHERE code = '02'"));
    }

    [Theory]
    [InlineData("55", 3.0)]
    [InlineData("02", 0.0)]
    [InlineData("02", 400.0)]
    public async Task An_invalid_setting_is_refused_and_changes_nothing(string code, double days)
    {
        await using var cluster = await DomainCluster.StartAsync();
        var table = cluster.GrainFactory.GetGrain<ICategorySettingsGrain>(ICategorySettingsGrain.Key);

        await Assert.ThrowsAsync<ArgumentException>(() => table.SetAsync(new CategorySetting(code, null, TimeSpan.FromDays(days)), "admin"));

        Assert.Empty(await table.GetAsync());
        Assert.Equal(0L, await cluster.CountAsync("SELECT count(*) FROM category_settings"));
    }
}
