using Command.Grains.Regions;
using Command.Grains.Regions.Import;

namespace Command.Grains.Tests.Regions.Import;

public sealed class DemoImportTests(DemoImportFixture demo) : IClassFixture<DemoImportFixture>
{
    private const string Chengguan = "150123100";

    [Fact]
    public void Demo_county_has_ten_townships_and_160_villages()
    {
        var county = Assert.Single(demo.At(RegionLevel.County));
        Assert.Equal("150123", county.Code);
        Assert.Equal("和林格尔县", county.Name);
        Assert.False(county.Synthetic);
        Assert.Equal(10, demo.At(RegionLevel.Township).Count());
        Assert.Equal(160, demo.At(RegionLevel.Village).Count());
        Assert.Empty(demo.At(RegionLevel.City));
    }

    [Fact]
    public void Villages_keep_their_real_names_in_everyday_form()
    {
        Assert.Equal("城关镇", demo.ByCode[Chengguan].Name);
        var chengguan = demo.ChildrenOf(Chengguan).Select(v => v.Name).ToList();
        Assert.Contains("昭君道社区", chengguan);
        Assert.Contains("衙门巷社区", chengguan);
        Assert.Equal("昭君道社区", demo.ByCode["150123100001"].Name);
        Assert.Equal("城关村", demo.ByCode["150123100200"].Name);
        Assert.Equal(Chengguan, demo.ByCode["150123100002"].ParentCode);
    }

    [Fact]
    public void Chengguan_has_exactly_129_grids_and_every_other_village_two_to_six()
    {
        var grids = demo.At(RegionLevel.Grid).GroupBy(g => g.ParentCode!).ToDictionary(g => g.Key, g => g.Count());
        var villages = demo.At(RegionLevel.Village).ToList();

        Assert.All(villages, v => Assert.True(grids.ContainsKey(v.Code), $"{v.Code} has no grids"));
        Assert.Equal(129, villages.Where(v => v.ParentCode == Chengguan).Sum(v => grids[v.Code]));
        Assert.All(villages.Where(v => v.ParentCode != Chengguan), v => Assert.InRange(grids[v.Code], 2, 6));
        Assert.True(grids.Values.Distinct().Count() >= 3, "grid counts do not vary between villages");
    }

    [Fact]
    public void Grid_codes_are_the_village_code_and_001_to_N()
    {
        var grids = demo.At(RegionLevel.Grid).ToList();

        Assert.Equal(grids.Count, grids.Select(g => g.Code).Distinct().Count());
        Assert.All(grids, g => Assert.Matches("^[0-9]{15}$", g.Code));
        foreach (var village in grids.GroupBy(g => g.ParentCode!))
        {
            var expected = Enumerable.Range(1, village.Count()).Select(i => village.Key + i.ToString("D3", null));
            Assert.Equal(expected, village.Select(g => g.Code));
        }
    }

    [Fact]
    public void Grids_are_named_after_their_village_and_are_synthetic()
    {
        var grid = demo.ByCode["150123100001003"];

        Assert.Equal("昭君道社区第3网格", grid.Name);
        Assert.Equal(RegionLevel.Grid, grid.Level);
        Assert.All(demo.At(RegionLevel.Grid), g => Assert.True(g.Synthetic));
        Assert.All(demo.At(RegionLevel.Village), v => Assert.True(v.Synthetic));
    }

    [Fact]
    public void Every_grid_has_one_full_time_worker_and_about_a_quarter_a_helper()
    {
        var grids = demo.At(RegionLevel.Grid).Select(g => g.Code).ToList();
        var workers = demo.Import.Workers;
        var helpers = workers.Count(w => !w.FullTime);

        Assert.Equal(grids, workers.Where(w => w.FullTime).Select(w => w.GridCode));
        Assert.All(workers.Where(w => w.FullTime), w => Assert.Equal(1, w.Sequence));
        Assert.All(workers.Where(w => !w.FullTime), w => Assert.Equal(2, w.Sequence));
        Assert.Equal(grids.Count + helpers, workers.Count);
        Assert.InRange(helpers / (double)grids.Count, 0.20, 0.30);
    }

    [Fact]
    public void Workers_have_plausible_chinese_names_and_mobile_numbers()
    {
        var workers = demo.Import.Workers;

        Assert.All(workers, w => Assert.Matches("^1[358][0-9]{9}$", w.Phone));
        Assert.All(workers, w => Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}{2,3}$", w.Name));
        Assert.True(workers.Select(w => w.Name).Distinct().Count() > workers.Count / 2, "too many repeated names");
        Assert.True(workers.Select(w => w.Phone).Distinct().Count() > workers.Count * 0.99, "too many repeated phones");
    }

    [Fact]
    public void Regions_come_parents_first_by_level_then_code()
    {
        var regions = demo.Import.Regions;
        var seen = new HashSet<string>();
        for (var i = 0; i < regions.Count; i++)
        {
            if (i > 0)
            {
                var previous = regions[i - 1];
                Assert.True(
                    previous.Level < regions[i].Level ||
                    (previous.Level == regions[i].Level && string.CompareOrdinal(previous.Code, regions[i].Code) < 0),
                    $"{previous.Code} before {regions[i].Code}");
            }

            Assert.True(regions[i].ParentCode is null || i == 0 || seen.Contains(regions[i].ParentCode!), $"{regions[i].Code} before its parent");
            seen.Add(regions[i].Code);
        }
    }

    [Fact]
    public void Townships_tile_the_real_county_boundary()
    {
        var county = demo.ByCode["150123"];

        PartitionAssert.Tiles(county.Boundary, demo.ChildrenOf("150123").Select(t => t.Boundary).ToList(), "county");
    }

    [Fact]
    public void Villages_tile_their_township()
    {
        foreach (var township in demo.At(RegionLevel.Township))
        {
            var villages = demo.ChildrenOf(township.Code).Select(v => v.Boundary).ToList();
            PartitionAssert.Tiles(township.Boundary, villages, township.Code);
        }
    }

    [Fact]
    public void Grids_tile_their_village()
    {
        foreach (var village in demo.At(RegionLevel.Village))
        {
            var grids = demo.ChildrenOf(village.Code).Select(g => g.Boundary).ToList();
            PartitionAssert.Tiles(village.Boundary, grids, village.Code);
        }
    }

    [Fact]
    public void Grid_001_is_in_the_northern_row_and_west_of_grid_002_in_the_same_row()
    {
        var checkedPairs = 0;
        foreach (var village in demo.At(RegionLevel.Village))
        {
            var grids = demo.ChildrenOf(village.Code).Select(g => g.Boundary.Centroid.Coordinate).ToList();
            var rows = (int)Math.Round(Math.Sqrt(grids.Count));
            var topRowSize = (grids.Count / rows) + (grids.Count % rows > 0 ? 1 : 0);
            var northernmost = grids.OrderByDescending(c => c.Y).Take(topRowSize).ToList();
            Assert.Contains(grids[0], northernmost);
            if (topRowSize >= 2)
            {
                Assert.True(grids[0].X < grids[1].X, $"{village.Code}: grid 001 is not west of grid 002");
                checkedPairs++;
            }
        }

        Assert.True(checkedPairs > 100);
    }

    [Fact]
    public void Two_builds_give_identical_codes_and_geojson()
    {
        var again = RegionImporter.BuildDemo();

        Assert.Equal(demo.Import.Regions.Select(r => r.Code), again.Regions.Select(r => r.Code));
        Assert.Equal(
            demo.Import.Regions.Select(r => GeoJsonWriter.ToJson(r.Boundary)),
            again.Regions.Select(r => GeoJsonWriter.ToJson(r.Boundary)));
        Assert.Equal(demo.Import.Workers, again.Workers);
    }
}
