using Command.Grains.Regions;
using Command.Grains.Regions.Import;
using NetTopologySuite.Geometries;

namespace Command.Grains.Tests.Regions.Import;

public sealed class RealBoundaryTests
{
    private const string County = "150123";
    private const string Township = "150123102";

    private static readonly (IReadOnlyList<Division> Divisions, IReadOnlyDictionary<string, Geometry> Boundaries) Hohhot =
        RegionImporter.LoadEmbedded("divisions-hohhot.csv", "hohhot-counties.geojson");

    [Fact]
    public void Real_township_boundary_is_used_as_is_and_the_other_townships_avoid_it()
    {
        var countyBoundary = Hohhot.Boundaries[County];
        var envelope = countyBoundary.EnvelopeInternal;
        var corner = GeoJsonReader.Factory.ToGeometry(
            new Envelope(envelope.MinX, envelope.Centre.X, envelope.MinY, envelope.Centre.Y));
        var real = countyBoundary.Intersection(corner);
        var boundaries = new Dictionary<string, Geometry>(Hohhot.Boundaries) { [Township] = real };

        var import = RegionImporter.Build(Hohhot.Divisions, County, boundaries, GridPlan.Demo);

        var regions = import.Regions.ToDictionary(r => r.Code);
        var township = regions[Township];
        Assert.False(township.Synthetic);
        Assert.Same(real, township.Boundary);
        var others = import.Regions.Where(r => r.Level == RegionLevel.Township && r.Code != Township).ToList();
        Assert.Equal(9, others.Count);
        Assert.All(others, o => Assert.True(o.Synthetic));
        Assert.All(others, o => Assert.True(o.Boundary.Intersection(real).Area < 1e-6 * real.Area, $"{o.Code} overlaps the real township"));
        PartitionAssert.Tiles(countyBoundary, others.Select(o => o.Boundary).Append(real).ToList(), "county with a real township");
        var villages = import.Regions.Where(r => r.ParentCode == Township).Select(v => v.Boundary).ToList();
        Assert.NotEmpty(villages);
        PartitionAssert.Tiles(real, villages, "villages of the real township");
    }

    [Fact]
    public void Real_village_and_grid_boundaries_are_kept_and_their_siblings_fill_the_rest()
    {
        // A real village in 城关镇, and a real grid in a village of another township (whose boundary the first leaves alone).
        var demo = RegionImporter.BuildDemo().Regions.ToDictionary(r => r.Code);
        var village = demo["150123100001"];
        var otherVillage = demo.Values.First(r => r.Level == RegionLevel.Village && r.ParentCode != "150123100");
        var grid = demo[otherVillage.Code + "001"];
        var boundaries = new Dictionary<string, Geometry>(Hohhot.Boundaries)
        {
            [village.Code] = village.Boundary.Buffer(-0.001),
            [grid.Code] = grid.Boundary.Buffer(-0.0005),
        };

        var import = RegionImporter.Build(Hohhot.Divisions, County, boundaries, GridPlan.Demo).Regions.ToDictionary(r => r.Code);

        Assert.False(import[village.Code].Synthetic);
        Assert.Same(boundaries[village.Code], import[village.Code].Boundary);
        var villageGrids = import.Values.Where(r => r.ParentCode == village.Code).Select(r => r.Boundary).ToList();
        PartitionAssert.Tiles(boundaries[village.Code], villageGrids, "grids of the real village");
        var chengguan = import.Values.Where(r => r.ParentCode == "150123100").Select(r => r.Boundary).ToList();
        PartitionAssert.Tiles(import["150123100"].Boundary, chengguan, "城关镇 with one real village");

        Assert.False(import[grid.Code].Synthetic);
        Assert.Same(boundaries[grid.Code], import[grid.Code].Boundary);
        Assert.True(import[otherVillage.Code + "002"].Synthetic);
        var siblings = import.Values.Where(r => r.ParentCode == otherVillage.Code).Select(r => r.Boundary).ToList();
        PartitionAssert.Tiles(import[otherVillage.Code].Boundary, siblings, "village with one real grid");
    }

    [Fact]
    public void Unknown_root_is_refused()
    {
        var error = Assert.Throws<RegionImportException>(
            () => RegionImporter.Build(Hohhot.Divisions, "159999", Hohhot.Boundaries, GridPlan.Demo));

        Assert.Contains("159999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void County_without_any_boundary_is_refused_by_name()
    {
        // 呼和浩特经济技术开发区 (150172) is not in the county boundary file, and the city has no boundary of its own.
        var error = Assert.Throws<RegionImportException>(
            () => RegionImporter.Build(Hohhot.Divisions, "1501", Hohhot.Boundaries, GridPlan.Demo));

        Assert.Contains("150172", error.Message, StringComparison.Ordinal);
        Assert.Contains("neither a real boundary nor a parent boundary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void City_boundary_is_the_union_of_its_real_counties()
    {
        var divisions = Hohhot.Divisions.Where(d => !d.Code.StartsWith("150172", StringComparison.Ordinal)).ToList();

        var import = RegionImporter.Build(divisions, "1501", Hohhot.Boundaries, GridPlan.City with { MaxGridsPerVillage = 4 });

        var city = import.Regions[0];
        Assert.Equal(RegionLevel.City, city.Level);
        Assert.False(city.Synthetic);
        var counties = import.Regions.Where(r => r.Level == RegionLevel.County).Select(c => c.Boundary).ToList();
        Assert.Equal(9, counties.Count);
        Assert.True(city.Boundary.Area >= counties.Max(c => c.Area));
        Assert.All(counties, c => Assert.True(c.Difference(city.Boundary).Area < 1e-9));
    }
}
