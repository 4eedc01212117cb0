using System.Text;
using Command.Grains.Regions.Import;
using NetTopologySuite.Geometries;

namespace Command.Grains.Tests.Regions.Import;

public sealed class GeoJsonTests
{
    private const string Square = "[[[111,40],[112,40],[112,41],[111,41],[111,40]]]";

    private static IReadOnlyDictionary<string, Geometry> Read(string json, string codeProperty = "code") =>
        GeoJsonReader.ReadBoundaries(new MemoryStream(Encoding.UTF8.GetBytes(json)), codeProperty);

    private static string Feature(string properties, string geometry) =>
        $"{{\"type\":\"Feature\",\"properties\":{properties},\"geometry\":{geometry}}}";

    [Fact]
    public void Reads_a_feature_collection_keyed_by_code()
    {
        var json = "{\"type\":\"FeatureCollection\",\"features\":[" +
            Feature("{\"code\":\"150123\"}", $"{{\"type\":\"Polygon\",\"coordinates\":{Square}}}") + "," +
            Feature("{\"code\":150124}", $"{{\"type\":\"MultiPolygon\",\"coordinates\":[{Square},[[[113,40],[114,40],[114,41],[113,40]]]]}}") +
            "]}";

        var boundaries = Read(json);

        Assert.Equal(["150123", "150124"], boundaries.Keys.Order());
        var polygon = Assert.IsType<Polygon>(boundaries["150123"]);
        Assert.Equal(4326, polygon.SRID);
        Assert.Equal(1.0, polygon.Area, 9);
        Assert.Equal(111, polygon.EnvelopeInternal.MinX);
        Assert.Equal(40, polygon.EnvelopeInternal.MinY);
        Assert.IsType<MultiPolygon>(boundaries["150124"]);
    }

    [Fact]
    public void Reads_a_single_feature_with_another_code_property()
    {
        var boundaries = Read(Feature("{\"gbcode\":\"150123100\"}", $"{{\"type\":\"Polygon\",\"coordinates\":{Square}}}"), "gbcode");

        Assert.True(boundaries.ContainsKey("150123100"));
    }

    [Fact]
    public void Repairs_a_self_intersecting_polygon()
    {
        var bowTie = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}";

        var geometry = Read(Feature("{\"code\":\"1\"}", bowTie))["1"];

        Assert.True(geometry.IsValid);
        Assert.Equal(2.0, geometry.Area, 9);
    }

    [Fact]
    public void Closes_a_ring_left_open()
    {
        var open = "{\"type\":\"Polygon\",\"coordinates\":[[[111,40],[112,40],[112,41],[111,41]]]}";

        var geometry = Read(Feature("{\"code\":\"1\"}", open))["1"];

        Assert.True(geometry.IsValid);
        Assert.Equal(1.0, geometry.Area, 9);
    }

    [Theory]
    [InlineData("[1,2]", "expected a GeoJSON object")]
    [InlineData("{\"type\":\"Point\",\"coordinates\":[1,2]}", "expected a FeatureCollection or a Feature")]
    [InlineData("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"x\"},\"geometry\":null}]}", "feature 0: missing the 'code' property")]
    [InlineData("{\"type\":\"Feature\",\"properties\":{\"code\":\"7\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}}", "unsupported geometry type 'LineString'")]
    [InlineData("{\"type\":\"Feature\",\"properties\":{\"code\":\"7\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[0,0]]]}}", "ring 0: a ring needs at least 4 positions but has 3")]
    [InlineData("{\"type\":\"Feature\",\"properties\":{\"code\":\"7\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,\"a\"],[1,1],[0,0]]]}}", "position 1 is not a [longitude, latitude] pair")]
    [InlineData("{\"type\":\"Feature\",\"properties\":{\"code\":\"7\"},\"geometry\":{\"type\":\"Polygon\"}}", "has no 'coordinates' array")]
    [InlineData("{\"type\":\"Feature\",\"properties\":{\"code\":\"7\"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6],[5,5]]]]}}", "feature 0 (code 7) polygon 1 ring 0: position 2 is not a [longitude, latitude] pair")]
    [InlineData("{\"type\":\"Feature\",\"properties\":{\"code\":\"7\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1e400,1],[0,0]]]}}", "ring 0: position 2 is not a [longitude, latitude] pair")]
    [InlineData("{\"type\":\"Feature\",", "not valid JSON")]
    public void Malformed_input_throws_naming_the_problem(string json, string problem)
    {
        var error = Assert.Throws<RegionImportException>(() => Read(json));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_code_throws()
    {
        var feature = Feature("{\"code\":\"9\"}", $"{{\"type\":\"Polygon\",\"coordinates\":{Square}}}");

        var error = Assert.Throws<RegionImportException>(
            () => Read($"{{\"type\":\"FeatureCollection\",\"features\":[{feature},{feature}]}}"));

        Assert.Contains("feature 1 (code 9)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_counter_clockwise_shells_rounded_to_six_decimals()
    {
        var factory = GeoJsonReader.Factory;
        var clockwise = factory.CreatePolygon(
            [new(111.1234567, 40), new(111.1234567, 41.00000049), new(112, 41), new(112, 40), new(111.1234567, 40)]);

        var json = GeoJsonWriter.ToJson(clockwise);

        Assert.Equal(
            "{\"type\":\"Polygon\",\"coordinates\":[[[111.123457,40],[112,40],[112,41],[111.123457,41],[111.123457,40]]]}",
            json);
    }

    [Fact]
    public void Writes_clockwise_holes_and_leaves_out_positions_that_round_onto_their_predecessor()
    {
        var factory = GeoJsonReader.Factory;
        var shell = factory.CreateLinearRing([new(0, 0), new(10, 0), new(10.0000002, 0.0000001), new(10, 10), new(0, 10), new(0, 0)]);
        var counterClockwiseHole = factory.CreateLinearRing([new(2, 2), new(4, 2), new(4, 4), new(2, 4), new(2, 2)]);

        var json = GeoJsonWriter.ToJson(factory.CreatePolygon(shell, [counterClockwiseHole]));

        Assert.Equal(
            "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,4],[4,4],[4,2],[2,2]]]}",
            json);
    }

    [Fact]
    public void Written_geojson_reads_back_to_the_same_shape()
    {
        var (_, boundaries) = RegionImporter.LoadEmbedded("divisions-hohhot.csv", "hohhot-counties.geojson");
        var county = boundaries["150123"];
        var json = $"{{\"type\":\"Feature\",\"properties\":{{\"code\":\"150123\"}},\"geometry\":{GeoJsonWriter.ToJson(county)}}}";

        var back = Read(json)["150123"];

        Assert.Equal(9, boundaries.Count);
        Assert.True(back.SymmetricDifference(county).Area < 1e-9 * county.Area + 1e-10);
    }
}
