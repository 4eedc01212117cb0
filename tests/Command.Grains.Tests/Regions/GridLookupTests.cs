using Command.Grains.Regions;
using Command.Grains.Regions.Import;
using NetTopologySuite.Geometries;

namespace Command.Grains.Tests.Regions;

/// <summary>Which grid a reported point falls in, on the demo county as stored and loaded.</summary>
public sealed class GridLookupTests(DemoDirectoryFixture demo) : IClassFixture<DemoDirectoryFixture>
{
    private const string County = "150123";
    private const string Zhaojundao3 = "150123100001003"; // 昭君道社区第3网格

    private List<RegionInfo> Grids => [.. Descendants(demo.Directory.FindRegion(County)!).Where(r => r.Level == RegionLevel.Grid)];

    [Fact]
    public void A_point_inside_a_grid_finds_that_grid_and_lies_inside_its_village_township_and_county()
    {
        var point = InteriorOf(demo.Directory.FindRegion(Zhaojundao3)!);

        var grid = demo.Directory.LocateGrid(point.Y, point.X);

        Assert.Equal(Zhaojundao3, grid?.Code);
        Assert.Equal("昭君道社区第3网格", grid?.Name);
        Assert.True(demo.Directory.Contains(County, point.Y, point.X));
        Assert.True(demo.Directory.Contains("150123100", point.Y, point.X));
        Assert.True(demo.Directory.Contains("150123100001", point.Y, point.X));
        Assert.False(demo.Directory.Contains("150123101", point.Y, point.X)); // 盛乐镇
    }

    [Fact]
    public void Every_grids_interior_point_maps_back_to_that_grid()
    {
        var grids = Grids;
        Assert.True(grids.Count > 600, $"only {grids.Count} grids in the demo county");

        var wrong = grids
            .Select(g => (g.Code, Point: InteriorOf(g)))
            .Select(g => (g.Code, Found: demo.Directory.LocateGrid(g.Point.Y, g.Point.X)?.Code))
            .Where(g => g.Found != g.Code)
            .ToList();

        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData(39.9042, 116.4074)]  // Beijing
    [InlineData(-40.40, 111.80)]     // the county's latitude mirrored south
    [InlineData(0, 0)]
    public void A_point_far_outside_the_county_finds_no_grid(double lat, double lon)
    {
        Assert.Null(demo.Directory.LocateGrid(lat, lon));
        Assert.False(demo.Directory.Contains(County, lat, lon));
    }

    [Fact]
    public void A_point_inside_the_countys_bounding_box_but_outside_its_boundary_finds_no_grid()
    {
        var county = demo.Directory.FindRegion(County)!;
        var boundary = GeoJsonReader.ReadGeometry(county.BoundaryJson);
        var corner = new[]
        {
            new Coordinate(county.Envelope.MinX + 0.001, county.Envelope.MinY + 0.001), new Coordinate(county.Envelope.MaxX - 0.001, county.Envelope.MinY + 0.001),
            new Coordinate(county.Envelope.MinX + 0.001, county.Envelope.MaxY - 0.001), new Coordinate(county.Envelope.MaxX - 0.001, county.Envelope.MaxY - 0.001),
        }.First(c => !boundary.Covers(boundary.Factory.CreatePoint(c)));

        Assert.Null(demo.Directory.LocateGrid(corner.Y, corner.X));
        Assert.False(demo.Directory.Contains(County, corner.Y, corner.X));
    }

    [Fact]
    public void A_corner_that_grids_share_goes_to_the_lowest_grid_code()
    {
        var shapes = Grids.ToDictionary(g => g.Code, g => GeoJsonReader.ReadGeometry(g.BoundaryJson), StringComparer.Ordinal);
        var village = shapes.Where(s => s.Key.StartsWith("150123100001", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        var (first, second) = (village[0].Value, village[1].Value);
        var shared = first.Coordinates.Intersect(second.Coordinates).First();
        var covering = shapes.Where(s => s.Value.Covers(s.Value.Factory.CreatePoint(shared))).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();

        var found = demo.Directory.LocateGrid(shared.Y, shared.X);

        Assert.True(covering.Count >= 2, $"the corner {shared} lies in {string.Join(", ", covering)} only");
        Assert.Equal(covering[0], found?.Code);
    }

    [Fact]
    public void Random_points_in_the_county_find_the_same_grid_as_testing_every_grid()
    {
        var county = demo.Directory.FindRegion(County)!;
        var shapes = Grids.Select(g => (g.Code, Shape: GeoJsonReader.ReadGeometry(g.BoundaryJson))).ToList();
        var random = new Random(20240601);
        var located = 0;
        for (var i = 0; i < 500; i++)
        {
            var point = new Coordinate(
                county.Envelope.MinX + (random.NextDouble() * county.Envelope.Width), county.Envelope.MinY + (random.NextDouble() * county.Envelope.Height));
            var expected = shapes
                .Where(s => s.Shape.EnvelopeInternal.Contains(point) && s.Shape.Covers(s.Shape.Factory.CreatePoint(point)))
                .Select(s => s.Code).Order(StringComparer.Ordinal).FirstOrDefault();

            var found = demo.Directory.LocateGrid(point.Y, point.X)?.Code;

            Assert.Equal(expected, found);
            located += found is null ? 0 : 1;
        }

        Assert.InRange(located, 100, 490); // most of the box is county, not all of it
    }

    private static Coordinate InteriorOf(RegionInfo region) => GeoJsonReader.ReadGeometry(region.BoundaryJson).InteriorPoint.Coordinate;

    private static IEnumerable<RegionInfo> Descendants(RegionInfo region) => region.Children.SelectMany(c => Descendants(c).Prepend(c));
}
