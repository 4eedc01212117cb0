using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Regions;

namespace Command.Grains.Tests.Dispatch;

/// <summary>From "level:role" and a case's location to a handler, falling back upward when the location is too coarse.</summary>
public sealed class ResolutionTests(SeededRulesFixture seeded) : IClassFixture<SeededRulesFixture>
{
    private DispatchRules Rules => seeded.Rules;

    private RegionDirectory Directory => seeded.Cluster.Directory();

    [Fact]
    public void A_grid_target_is_the_full_time_worker_of_the_cases_grid()
    {
        Assert.Equal(new Assignee("worker-1", "网格员1", RegionLevel.Grid), Rules.Resolve("grid:worker", CaseLocation.Of(DomainCluster.GridA)));
        Assert.Equal("worker-3", Rules.Resolve("grid:worker", CaseLocation.Of(DomainCluster.GridB))?.Id);
    }

    [Theory]
    [InlineData("grid:worker", DomainCluster.Village, "center-150123100")]      // no grid known: the township center picks one
    [InlineData("village:mediation", DomainCluster.Township, "center-150123100")]
    [InlineData("village:mediation", DomainCluster.County, "center-150123")]
    [InlineData("township:police", DomainCluster.County, "center-150123")]
    [InlineData("township:police", "150123199", "center-150123")]               // a township the directory does not know
    [InlineData("county:court", DomainCluster.GridA, "dept-150123-court")]      // a county unit never needs more than the county
    public void A_location_that_lacks_the_targets_level_falls_back_to_the_nearest_center(string target, string region, string expected)
    {
        Assert.Equal(expected, Rules.Resolve(target, CaseLocation.Of(region))?.Id);
    }

    [Fact]
    public void A_village_case_with_a_village_rule_goes_to_the_township_center_when_only_the_township_is_known()
    {
        var plan = Rules.Plan(CaseLocation.Of(DomainCluster.Township), "01", Urgency.Low);

        Assert.Equal(new Assignee("center-150123100", "城关镇综治中心", RegionLevel.Township), plan?.To);
        Assert.Equal("center-150123", plan?.DispatchedBy);
    }

    [Fact]
    public void A_case_known_only_to_the_county_gets_no_plan_when_its_handler_would_be_the_county_center_itself()
    {
        Assert.Null(Rules.Plan(CaseLocation.Of(DomainCluster.County), "01", Urgency.Low));
        Assert.Equal("dept-150123-hrss", Rules.Plan(CaseLocation.Of(DomainCluster.County), "10", Urgency.Low)?.To.Id);
    }

    [Fact]
    public void A_copy_the_location_cannot_name_is_left_out_rather_than_sent_to_a_center()
    {
        var plan = Rules.Plan(CaseLocation.Of(DomainCluster.County), "12", Urgency.High);

        Assert.Equal("dept-150123-police", plan?.To.Id);
        Assert.Empty(plan!.Copies);
    }

    [Theory]
    [InlineData("center-150123", "和林格尔县综治中心", RegionLevel.County)]
    [InlineData("center-150123100", "城关镇综治中心", RegionLevel.Township)]
    [InlineData("village-150123100001", "昭君道社区", RegionLevel.Village)]
    [InlineData("dept-150123100-justice", "城关司法所", RegionLevel.Township)]
    [InlineData("dept-150123-court", "和林格尔县人民法院", RegionLevel.County)]
    [InlineData("worker-2", "网格员2", RegionLevel.Grid)]
    public void Any_unit_or_worker_is_described_with_its_name_and_level(string id, string name, RegionLevel level)
    {
        Assert.Equal(new Assignee(id, name, level), DispatchTargets.Describe(id, Directory));
    }

    [Theory]
    [InlineData("worker-99")]
    [InlineData("worker-x")]
    [InlineData("worker--1")]
    [InlineData("dept-150123-army")]
    [InlineData("center-150123101")]
    [InlineData("")]
    public void Unknown_handlers_are_not_described(string id)
    {
        Assert.Null(DispatchTargets.Describe(id, Directory));
    }
}
