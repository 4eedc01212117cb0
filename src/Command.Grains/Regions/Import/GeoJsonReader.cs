using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.IO.Converters;

namespace Command.Grains.Regions.Import;

/// <summary>
/// Reads region boundaries from GeoJSON (RFC 7946): polygons in WGS-84 lon/lat, keyed by a code property. Geometries are
/// read by NetTopologySuite.IO.GeoJSON4STJ; this class finds the features, checks what a boundary must be, and says
/// where the input goes wrong.
/// </summary>
public static class GeoJsonReader
{
    /// <summary>
    /// The factory of every geometry the importer makes: floating precision, SRID 4326 (WGS-84). A ring it is given open,
    /// as some GeoJSON files leave them, it closes.
    /// </summary>
    public static GeometryFactory Factory { get; } = new RingClosingFactory();

    private static readonly JsonSerializerOptions Options = new() { Converters = { new GeoJsonConverterFactory(Factory) } };

    /// <summary>
    /// Reads a FeatureCollection, or a single Feature, whose geometries are Polygons or MultiPolygons. Each feature's
    /// <paramref name="codeProperty"/> (a string or a number) keys its boundary. Invalid polygons (self-touching rings,
    /// bow-ties) are repaired; unclosed rings are closed.
    /// </summary>
    /// <exception cref="RegionImportException">
    /// The JSON is malformed, is not a Feature or FeatureCollection, a feature lacks the code property or repeats a code,
    /// its geometry is missing or not polygonal, or a ring has fewer than 4 positions. The message names the feature.
    /// </exception>
    public static IReadOnlyDictionary<string, Geometry> ReadBoundaries(Stream utf8Json, string codeProperty = "code")
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        ArgumentException.ThrowIfNullOrEmpty(codeProperty);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            throw new RegionImportException($"not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RegionImportException($"expected a GeoJSON object but found a JSON {Describe(root.ValueKind)}");
            }

            var boundaries = new Dictionary<string, Geometry>(StringComparer.Ordinal);
            switch (TypeOf(root, "the document"))
            {
                case "FeatureCollection":
                    if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
                    {
                        throw new RegionImportException("the FeatureCollection has no 'features' array");
                    }

                    var index = 0;
                    foreach (var feature in features.EnumerateArray())
                    {
                        AddFeature(boundaries, feature, index++, codeProperty);
                    }

                    break;
                case "Feature":
                    AddFeature(boundaries, root, 0, codeProperty);
                    break;
                case var other:
                    throw new RegionImportException($"expected a FeatureCollection or a Feature but found type '{other}'");
            }

            return boundaries;
        }
    }

    /// <summary>
    /// Reads one GeoJSON geometry object (a Polygon or MultiPolygon), as the region table stores boundaries, repairing it
    /// like <see cref="ReadBoundaries"/> does.
    /// </summary>
    /// <exception cref="RegionImportException">The JSON is malformed or not a polygonal geometry.</exception>
    public static Geometry ReadGeometry(string geometryJson, string where = "the geometry")
    {
        ArgumentNullException.ThrowIfNull(geometryJson);
        try
        {
            using var document = JsonDocument.Parse(geometryJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? ReadGeometry(document.RootElement, where)
                : throw new RegionImportException($"{where}: expected a GeoJSON geometry object");
        }
        catch (JsonException e)
        {
            throw new RegionImportException($"{where}: not valid JSON: {e.Message}", e);
        }
    }

    private static void AddFeature(Dictionary<string, Geometry> boundaries, JsonElement feature, int index, string codeProperty)
    {
        var where = $"feature {index}";
        if (feature.ValueKind != JsonValueKind.Object || TypeOf(feature, where) != "Feature")
        {
            throw new RegionImportException($"{where}: not a Feature object");
        }

        var code = ReadCode(feature, codeProperty);
        if (code is null)
        {
            throw new RegionImportException($"{where}: missing the '{codeProperty}' property");
        }

        where = $"feature {index} ({codeProperty} {code})";
        if (!feature.TryGetProperty("geometry", out var geometryElement) || geometryElement.ValueKind != JsonValueKind.Object)
        {
            throw new RegionImportException($"{where}: missing geometry");
        }

        var geometry = ReadGeometry(geometryElement, where);
        if (!boundaries.TryAdd(code, geometry))
        {
            throw new RegionImportException($"{where}: the code appears in an earlier feature too");
        }
    }

    private static string? ReadCode(JsonElement feature, string codeProperty)
    {
        if (!feature.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object ||
            !properties.TryGetProperty(codeProperty, out var value))
        {
            return null;
        }

        var code = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(code) ? null : code.Trim();
    }

    private static Geometry ReadGeometry(JsonElement element, string where)
    {
        // Checked before the library reads it: it takes a missing 'coordinates' for an empty geometry, and any type for one.
        var type = TypeOf(element, where);
        if (type is not ("Polygon" or "MultiPolygon"))
        {
            throw new RegionImportException(
                $"{where}: unsupported geometry type '{type}' (only Polygon and MultiPolygon are boundaries)");
        }

        if (!element.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            throw new RegionImportException($"{where}: the {type} has no 'coordinates' array");
        }

        Geometry geometry;
        try
        {
            geometry = element.Deserialize<Geometry>(Options)!;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            var problem = Locate(coordinates, where, type == "Polygon" ? ["ring"] : ["polygon", "ring"]);
            throw new RegionImportException(problem ?? $"{where}: the {type}'s coordinates cannot be read: {e.Message}", e);
        }

        CheckRings(geometry, where);
        if (geometry.IsEmpty)
        {
            throw new RegionImportException($"{where}: the {type} is empty");
        }

        if (!geometry.IsValid)
        {
            geometry = Polygons.Only(GeometryFixer.Fix(geometry));
            if (geometry.IsEmpty)
            {
                throw new RegionImportException($"{where}: the {type} encloses no area");
            }
        }

        return geometry;
    }

    /// <summary>What the library takes but a boundary cannot use: non-finite ordinates, rings of fewer than 4 positions.</summary>
    private static void CheckRings(Geometry geometry, string where)
    {
        for (var p = 0; p < geometry.NumGeometries; p++)
        {
            var polygon = (Polygon)geometry.GetGeometryN(p);
            LinearRing[] rings = polygon.IsEmpty ? [] : [polygon.Shell, .. polygon.Holes];
            for (var r = 0; r < rings.Length; r++)
            {
                var at = geometry is MultiPolygon ? $"{where} polygon {p} ring {r}" : $"{where} ring {r}";
                var positions = rings[r].Coordinates;
                var bad = Array.FindIndex(positions, c => !double.IsFinite(c.X) || !double.IsFinite(c.Y));
                if (bad >= 0)
                {
                    throw new RegionImportException($"{at}: position {bad} is not a [longitude, latitude] pair of numbers");
                }

                if (positions.Length < 4)
                {
                    throw new RegionImportException(
                        $"{at}: a ring needs at least 4 positions but has {positions.Length.ToString(CultureInfo.InvariantCulture)}");
                }
            }
        }
    }

    /// <summary>
    /// Where the coordinates go wrong, once the library has refused them (it says only which token it did not expect):
    /// the first position that is not an array of numbers, or the first empty ring. <paramref name="levels"/> names the
    /// arrays above the positions.
    /// </summary>
    private static string? Locate(JsonElement array, string where, ReadOnlySpan<string> levels)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return levels.IsEmpty
                ? $"{where}: a ring must be an array of at least 4 positions"
                : $"{where}: expected a non-empty array of {levels[0]}s";
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var problem = !levels.IsEmpty
                ? Locate(item, $"{where} {levels[0]} {index}", levels[1..])
                : item.ValueKind != JsonValueKind.Array || item.GetArrayLength() < 2 ||
                  item.EnumerateArray().Any(n => n.ValueKind != JsonValueKind.Number)
                    ? $"{where}: position {index} is not a [longitude, latitude] pair of numbers"
                    : null;
            if (problem is not null)
            {
                return problem;
            }

            index++;
        }

        return null;
    }

    private static string TypeOf(JsonElement element, string where) =>
        element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw new RegionImportException($"{where}: missing the 'type' member");

    private static string Describe(JsonValueKind kind) => kind.ToString().ToLowerInvariant();

    private sealed class RingClosingFactory() : GeometryFactory(new PrecisionModel(), 4326)
    {
        public override LinearRing CreateLinearRing(CoordinateSequence coordinates) =>
            base.CreateLinearRing(
                coordinates is { Count: > 0 } && !coordinates.GetCoordinate(0).Equals2D(coordinates.GetCoordinate(coordinates.Count - 1))
                    ? CoordinateSequenceFactory.Create([.. coordinates.ToCoordinateArray(), coordinates.GetCoordinateCopy(0)])
                    : coordinates);
    }
}
