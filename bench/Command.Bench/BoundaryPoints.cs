using System.Text.Json;

namespace Command.Bench;

/// <summary>
/// The polygons of a GeoJSON FeatureCollection of regions (GET /api/regions/{code}/boundaries), by code, and random
/// points inside them: where load generators and browser tests put workers and cases. Shared as source with the tests.
/// </summary>
public sealed class BoundaryPoints
{
    // code → polygons → rings (the first the outline, the rest holes) → [lon, lat] pairs
    private readonly Dictionary<string, List<double[][][]>> regions;

    private BoundaryPoints(Dictionary<string, List<double[][][]>> regions) => this.regions = regions;

    public IReadOnlyCollection<string> Codes => regions.Keys;

    public static BoundaryPoints Parse(string featureCollection)
    {
        using var json = JsonDocument.Parse(featureCollection);
        var regions = new Dictionary<string, List<double[][][]>>(StringComparer.Ordinal);
        foreach (var feature in json.RootElement.GetProperty("features").EnumerateArray())
        {
            var code = feature.GetProperty("properties").GetProperty("code").GetString()!;
            var geometry = feature.GetProperty("geometry");
            var coordinates = geometry.GetProperty("coordinates");
            var polygons = geometry.GetProperty("type").GetString() switch
            {
                "Polygon" => [Polygon(coordinates)],
                "MultiPolygon" => coordinates.EnumerateArray().Select(Polygon).ToList(),
                var other => throw new FormatException($"{code}: a {other} is not an area"),
            };
            regions[code] = polygons;
        }

        return new BoundaryPoints(regions);
    }

    /// <summary>A uniformly random point inside the region (rejection sampling in its bounding box).</summary>
    public (double Lat, double Lon) RandomPoint(string code, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var polygons = regions[code];
        var outlines = polygons.SelectMany(p => p[0]).ToList();
        var (west, east) = (outlines.Min(p => p[0]), outlines.Max(p => p[0]));
        var (south, north) = (outlines.Min(p => p[1]), outlines.Max(p => p[1]));
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var lon = west + (random.NextDouble() * (east - west));
            var lat = south + (random.NextDouble() * (north - south));
            if (Contains(code, lat, lon))
            {
                return (Math.Round(lat, 6), Math.Round(lon, 6));
            }
        }

        throw new InvalidOperationException($"no point found inside {code}");
    }

    /// <summary>Inside the region: inside one of its polygons' outlines and none of that polygon's holes (even-odd rule).</summary>
    public bool Contains(string code, double lat, double lon) =>
        regions[code].Any(polygon => polygon.Count(ring => Crosses(ring, lat, lon)) % 2 == 1);

    private static double[][][] Polygon(JsonElement rings) =>
        [.. rings.EnumerateArray().Select(ring => ring.EnumerateArray().Select(p => new[] { p[0].GetDouble(), p[1].GetDouble() }).ToArray())];

    /// <summary>Ray casting: true when a ray from the point eastwards crosses the ring an odd number of times.</summary>
    private static bool Crosses(double[][] ring, double lat, double lon)
    {
        var inside = false;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
        {
            var (xi, yi, xj, yj) = (ring[i][0], ring[i][1], ring[j][0], ring[j][1]);
            if ((yi > lat) != (yj > lat) && lon < ((xj - xi) * (lat - yi) / (yj - yi)) + xi)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}
