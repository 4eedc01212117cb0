using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Testing;

namespace Command.Grains.Tests.Dispatch;

/// <summary>One cluster whose rule table was seeded with the defaults at load; the tests only read it.</summary>
public sealed class SeededRulesFixture : IAsyncLifetime
{
    public CommandCluster Cluster { get; private set; } = null!;

    public DispatchRules Rules { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await DispatchCluster.StartAsync();
        Rules = await Cluster.LoadRulesAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>The default table of DOMAIN.md, as a case reported in grid A of 昭君道社区 (城关镇) is dispatched.</summary>
public sealed class DefaultRulesTests(SeededRulesFixture seeded) : IClassFixture<SeededRulesFixture>
{
    private const string TownshipCenter = "center-150123100";
    private const string CountyCenter = "center-150123";

    private static readonly CaseLocation InGridA = CaseLocation.Of(DomainCluster.GridA);

    [Theory]
    [InlineData("12", Urgency.Low)]
    [InlineData("12", Urgency.Medium)]
    [InlineData("14", Urgency.Medium)]
    public void Police_matters_go_to_the_township_police_station(string category, Urgency urgency)
    {
        var plan = seeded.Rules.Plan(InGridA, category, urgency);

        Assert.NotNull(plan);
        Assert.Equal(new Assignee("dept-150123100-police", "城关派出所", RegionLevel.Township), plan.To);
        Assert.Equal(TownshipCenter, plan.DispatchedBy);
        Assert.Empty(plan.Copies);
        Assert.EndsWith("→派出所", plan.RuleName, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12")]
    [InlineData("14")]
    public void High_urgency_police_matters_skip_to_the_county_police_with_a_copy_to_the_station(string category)
    {
        var plan = seeded.Rules.Plan(InGridA, category, Urgency.High);

        Assert.NotNull(plan);
        Assert.Equal(new Assignee("dept-150123-police", "和林格尔县公安局", RegionLevel.County), plan.To);
        Assert.Equal(CountyCenter, plan.DispatchedBy);
        Assert.Equal("dept-150123100-police", Assert.Single(plan.Copies).Id);
        Assert.StartsWith("高紧急", plan.RuleName, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10", "dept-150123-hrss", CountyCenter)]             // 欠薪 → 人社
    [InlineData("07", "dept-150123100-justice", TownshipCenter)]     // 山林土地 → 司法所
    [InlineData("03", "dept-150123100-justice", TownshipCenter)]     // 房屋宅基地 → 司法所
    [InlineData("08", "dept-150123-land", CountyCenter)]             // 征地拆迁 → 自然资源局
    [InlineData("01", "village-150123100001", TownshipCenter)]       // 婚姻家庭 → 村调解
    [InlineData("02", "village-150123100001", TownshipCenter)]       // 邻里纠纷 → 村调解
    [InlineData("16", "dept-150123-petition", CountyCenter)]         // 信访 → 信访局
    [InlineData("11", "dept-150123100-justice", TownshipCenter)]     // 医疗纠纷 → 司法所
    public void Non_police_matters_go_to_the_unit_in_charge(string category, string unit, string dispatchedBy)
    {
        var plan = seeded.Rules.Plan(InGridA, category, Urgency.Medium);

        Assert.Equal(unit, plan?.To.Id);
        Assert.Equal(dispatchedBy, plan?.DispatchedBy);
    }

    [Fact]
    public void Forest_and_land_disputes_copy_the_county_land_bureau_and_homestead_disputes_do_not()
    {
        Assert.Equal(["dept-150123-land"], seeded.Rules.Plan(InGridA, "07", Urgency.Low)!.Copies.Select(c => c.Id));
        Assert.Empty(seeded.Rules.Plan(InGridA, "03", Urgency.Low)!.Copies);
    }

    [Fact]
    public void Village_mediation_is_the_village_unit_at_village_level()
    {
        var plan = seeded.Rules.Plan(InGridA, "02", Urgency.Low);

        Assert.Equal(new Assignee("village-150123100001", "昭君道社区", RegionLevel.Village), plan?.To);
        Assert.Equal("邻里纠纷→村(社区)调解", plan?.RuleName);
    }

    [Theory]
    [InlineData("17")]
    [InlineData("15")]
    [InlineData("99")]
    public void Categories_without_a_rule_get_no_plan_and_wait_at_the_county_center(string category)
    {
        Assert.Null(seeded.Rules.Plan(InGridA, category, Urgency.High));
    }

    [Fact]
    public void The_seeded_table_is_twelve_editable_rows_for_every_region()
    {
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), seeded.Rules.All.Select(r => r.Id));
        Assert.All(seeded.Rules.All, r => Assert.Equal(string.Empty, r.Region));
        Assert.Equal(DefaultDispatchRules.All.Select(r => r.Name), seeded.Rules.All.Select(r => r.Name));
    }
}
