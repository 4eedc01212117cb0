using Command.Grains.Regions.Import;

namespace Command.Grains.Tests.Regions.Import;

public sealed class GridPlanTests
{
    private static readonly string[] TenVillages = Enumerable.Range(1, 10).Select(i => $"150123100{i:D3}").ToArray();

    [Fact]
    public void Township_total_is_spread_as_evenly_as_possible()
    {
        var plan = GridPlan.Demo with { TownshipGridTotals = new Dictionary<string, int> { ["150123100"] = 129 } };

        var counts = plan.GridCounts("150123100", TenVillages);

        Assert.Equal(129, counts.Sum());
        Assert.Equal(9, counts.Count(c => c == 13));
        Assert.Equal(1, counts.Count(c => c == 12));
        Assert.Equal(counts, plan.GridCounts("150123100", TenVillages));
    }

    [Fact]
    public void Without_a_total_counts_fall_in_the_plan_range_and_vary()
    {
        var villages = Enumerable.Range(1, 200).Select(i => $"211202001{i:D3}").ToArray();

        var counts = GridPlan.City.GridCounts("211202001", villages);

        Assert.All(counts, c => Assert.InRange(c, 4, 12));
        Assert.Equal(9, counts.Distinct().Count());
    }

    [Fact]
    public void Total_below_the_village_count_is_refused()
    {
        var plan = GridPlan.Demo with { TownshipGridTotals = new Dictionary<string, int> { ["150123100"] = 9 } };

        var error = Assert.Throws<RegionImportException>(() => plan.GridCounts("150123100", TenVillages));

        Assert.Contains("150123100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Helper_share_selects_about_that_share_of_grids_the_same_way_each_time()
    {
        var grids = Enumerable.Range(1, 4000).Select(i => $"211202001{i / 100 + 1:D3}{i % 100 + 1:D3}").ToArray();

        var helped = grids.Count(GridPlan.City.HasHelper);

        Assert.InRange(helped, 900, 1100);
        Assert.Equal(helped, grids.Count(GridPlan.City.HasHelper));
        Assert.Equal(0, grids.Count((GridPlan.City with { HelperShare = 0 }).HasHelper));
    }
}
