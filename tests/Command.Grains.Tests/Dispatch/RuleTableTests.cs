using Command.Grains.Audit;
using Command.Grains.Regions;
using Microsoft.Extensions.DependencyInjection;
using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Data;
using Command.Testing;

namespace Command.Grains.Tests.Dispatch;

/// <summary>The admin's edits: which rule wins, what is refused, and what a restart keeps (SQLite and PostgreSQL).</summary>
public abstract class RuleTableTests(StorageProvider provider)
{
    private const string OtherVillage = "150123100002"; // in 城关镇, outside the village of the rule with id 10

    private static readonly DispatchRule[] Custom =
    [
        new(2, "婚姻家庭→村调解", string.Empty, "01", null, "village:mediation", []),
        new(3, "全县高紧急→县公安局", DomainCluster.County, string.Empty, Urgency.High, "county:police", []),
        new(5, "全县邻里纠纷→村调解", DomainCluster.County, "02", null, "village:mediation", []),
        new(6, "城关镇婚姻家庭→派出所", DomainCluster.Township, "01", null, "township:police", []),
        new(8, "城关镇高紧急婚姻家庭→法院", DomainCluster.Township, "01", Urgency.High, "county:court", ["township:center", "village:mediation", "county:court"]),
        new(10, "昭君道社区全部→网格员", DomainCluster.Village, string.Empty, null, "grid:worker", []),
    ];

    [SkippableFact]
    public async Task The_most_specific_rule_wins_longest_region_then_category_then_urgency()
    {
        await using var cluster = await DispatchCluster.StartAsync(provider);
        var rules = await cluster.LoadRulesAsync();

        await rules.ReplaceAsync(Custom, "admin");

        Assert.Equal(10, rules.Match(DomainCluster.GridA, "01", Urgency.High)?.Id);    // the village's rule, though it names no category
        Assert.Equal(8, rules.Match(OtherVillage, "01", Urgency.High)?.Id);             // urgency set beats unset (6 has the lower id)
        Assert.Equal(6, rules.Match(OtherVillage, "01", Urgency.Medium)?.Id);
        Assert.Equal(3, rules.Match(OtherVillage, "12", Urgency.High)?.Id);
        Assert.Equal(5, rules.Match(DomainCluster.County, "02", Urgency.High)?.Id);     // category set beats urgency set (3 has the lower id)
        Assert.Equal(3, rules.Match(DomainCluster.County, "01", Urgency.High)?.Id);     // the longer region beats a category
        Assert.Equal(2, rules.Match(DomainCluster.County, "01", Urgency.Low)?.Id);
        Assert.Null(rules.Match(DomainCluster.County, "12", Urgency.Low));
    }

    [SkippableFact]
    public async Task A_plan_names_its_rule_and_keeps_only_the_copies_the_location_can_name()
    {
        await using var cluster = await DispatchCluster.StartAsync(provider);
        var rules = await cluster.LoadRulesAsync();
        await rules.ReplaceAsync(Custom, "admin");

        var plan = rules.Plan(CaseLocation.Of(DomainCluster.Township), "01", Urgency.High);

        Assert.Equal((8L, "城关镇高紧急婚姻家庭→法院"), (plan?.RuleId ?? 0, plan?.RuleName));
        Assert.Equal(("dept-150123-court", "center-150123"), (plan!.To.Id, plan.DispatchedBy));
        Assert.Equal(["center-150123100"], plan.Copies.Select(c => c.Id)); // no village known; the court is the handler already
    }

    [SkippableFact]
    public async Task A_replaced_table_is_what_the_silo_dispatches_by_after_a_restart()
    {
        await using var cluster = await DispatchCluster.StartAsync(provider);
        var before = await cluster.LoadRulesAsync();

        var saved = await before.ReplaceAsync(Custom, "admin");
        await cluster.KillAsync();
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);
        var after = await cluster.LoadRulesAsync();

        Assert.Equal([2L, 3, 5, 6, 8, 10], saved.Select(r => r.Id));
        Assert.Equal(Describe(saved), Describe(after.All));
        Assert.Equal("worker-1", after.Plan(CaseLocation.Of(DomainCluster.GridA), "10", Urgency.Low)?.To.Id); // no longer 人社
        Assert.Equal("dept-150123100-police", after.Plan(CaseLocation.Of(OtherVillage), "01", Urgency.Low)?.To.Id);
        Assert.Equal(1L, await CountAsync(cluster, "SELECT count(*) FROM audit_log WHERE action = 'replace-dispatch-rules' AND actor = 'admin'"));
    }

    [SkippableFact]
    public async Task A_table_replaced_through_one_silo_is_read_by_another_before_it_dispatches()
    {
        await using var cluster = await DispatchCluster.StartAsync(provider);
        var here = await SiloRulesAsync(cluster);
        var there = await SiloRulesAsync(cluster);
        await there.RefreshAsync();

        await here.ReplaceAsync(Custom, "admin");
        var stale = there.Plan(CaseLocation.Of(DomainCluster.GridA), "10", Urgency.Low)?.To.Id;
        await there.RefreshAsync();

        Assert.Equal("dept-150123-hrss", stale);
        Assert.Equal("worker-1", there.Plan(CaseLocation.Of(DomainCluster.GridA), "10", Urgency.Low)?.To.Id);
        Assert.Equal(Describe(here.All), Describe(there.All));
    }

    /// <summary>A silo's rule table: loaded from the database, and told of replacements through the cluster.</summary>
    private static async Task<DispatchRules> SiloRulesAsync(CommandCluster cluster)
    {
        var rules = new DispatchRules(
            cluster.Services.GetRequiredService<RegionDirectory>(), cluster.Services.GetRequiredService<AuditLog>(), cluster.Clock, cluster.GrainFactory);
        await rules.LoadAsync(cluster.Services.GetRequiredService<Database>());
        return rules;
    }

    [SkippableFact]
    public async Task The_defaults_are_seeded_once_as_rows()
    {
        await using var cluster = await DispatchCluster.StartAsync(provider);

        await cluster.LoadRulesAsync();
        var again = await cluster.LoadRulesAsync();

        Assert.Equal(12L, await CountAsync(cluster, "SELECT count(*) FROM dispatch_rules"));
        Assert.Equal(1L, await CountAsync(cluster, "SELECT count(*) FROM audit_log WHERE action = 'seed-dispatch-rules'"));
        Assert.Equal(Describe(DefaultDispatchRules.All), Describe(again.All));
    }

    [SkippableTheory]
    [InlineData("18", "", "township:police", "规则 2「坏规则」：类别 \"18\" 不存在")]
    [InlineData("12", "150199", "township:police", "规则 2「坏规则」：地区 \"150199\" 不是已导入的区划代码")]
    [InlineData("12", "", "township-police", "规则 2「坏规则」：派单目标 \"township-police\" 格式错误")]
    [InlineData("12", "", "city:center", "规则 2「坏规则」：派单目标 \"city:center\" 的级别 \"city\" 未知")]
    [InlineData("12", "", "township:court", "规则 2「坏规则」：派单目标 \"township:court\" 的角色 \"court\" 未知：乡镇(街道)级可用 center、police、justice")]
    public async Task An_invalid_rule_is_refused_with_its_reason_and_changes_nothing(string category, string region, string target, string reason)
    {
        await using var cluster = await DispatchCluster.StartAsync(provider);
        var rules = await cluster.LoadRulesAsync();

        var refused = await Assert.ThrowsAsync<DispatchRuleException>(() => rules.ReplaceAsync(
            [new(1, "好规则", string.Empty, "17", null, "county:center", []), new(2, "坏规则", region, category, null, target, [])], "admin"));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Single(refused.Errors);
        Assert.Equal(Describe(DefaultDispatchRules.All), Describe(rules.All));
        Assert.Equal(Describe(DefaultDispatchRules.All), Describe((await cluster.LoadRulesAsync()).All));
        Assert.Equal(0L, await CountAsync(cluster, "SELECT count(*) FROM audit_log WHERE action = 'replace-dispatch-rules'"));
    }

    [SkippableFact]
    public async Task Every_problem_of_a_table_is_reported_at_once()
    {
        await using var cluster = await DispatchCluster.StartAsync(provider);
        var rules = await cluster.LoadRulesAsync();

        var refused = await Assert.ThrowsAsync<DispatchRuleException>(() => rules.ReplaceAsync(
        [
            new(1, "甲", string.Empty, "12", null, "township:police", ["county:polic"]),
            new(1, "乙", string.Empty, "12", null, "county:police", []),
            new(3, " ", string.Empty, "13", null, "grid:worker", []),
        ], "admin"));

        Assert.Equal(4, refused.Errors.Count);
        Assert.Contains(refused.Errors, e => e.StartsWith("规则 1「甲」：抄送 \"county:polic\" 的角色 \"polic\" 未知", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.StartsWith("规则 1「乙」：编号与另一条规则重复", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.StartsWith("规则 1「乙」：与规则 1「甲」的地区、类别和紧急程度完全相同", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.StartsWith("规则 3「 」：名称不能为空", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task An_empty_table_is_refused_because_a_restart_would_bring_the_defaults_back()
    {
        await using var cluster = await DispatchCluster.StartAsync(provider);
        var rules = await cluster.LoadRulesAsync();

        var refused = await Assert.ThrowsAsync<DispatchRuleException>(() => rules.ReplaceAsync([], "admin"));

        Assert.StartsWith("规则表不能为空", refused.Message, StringComparison.Ordinal);
        Assert.Equal(12, rules.All.Count);
    }

    private static List<string> Describe(IEnumerable<DispatchRule> rules) =>
        [.. rules.Select(r => $"{r.Id}|{r.Name}|{r.Region}|{r.Category}|{r.Urgency}|{r.Target}|{string.Join(',', r.Copies)}")];

    private static async Task<long> CountAsync(CommandCluster cluster, string sql) =>
        Convert.ToInt64(await cluster.Database.ScalarAsync(sql), System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class SqliteRuleTableTests() : RuleTableTests(StorageProvider.Sqlite);

public sealed class PostgresRuleTableTests() : RuleTableTests(StorageProvider.Postgres);
