using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;

namespace Command.Grains.Regions.Import;

/// <summary>Reads region boundaries from GeoJSON (RFC 7946): polygons in WGS-84 lon/lat, keyed by a code property.</summary>
public static class GeoJsonReader
{
    /// <summary>The factory of every geometry the importer makes: floating precision, SRID 4326 (WGS-84).</summary>
    public static GeometryFactory Factory { get; } = new(new PrecisionModel(), 4326);

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
        var type = TypeOf(element, where);
        if (!element.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            throw new RegionImportException($"{where}: the {type} has no 'coordinates' array");
        }

        Geometry geometry = type switch
        {
            "Polygon" => ReadPolygon(coordinates, where),
            "MultiPolygon" => Factory.CreateMultiPolygon(
                coordinates.EnumerateArray().Select((p, i) => ReadPolygon(p, $"{where} polygon {i}")).ToArray()),
            _ => throw new RegionImportException(
                $"{where}: unsupported geometry type '{type}' (only Polygon and MultiPolygon are boundaries)"),
        };

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

    private static Polygon ReadPolygon(JsonElement rings, string where)
    {
        if (rings.ValueKind != JsonValueKind.Array || rings.GetArrayLength() == 0)
        {
            throw new RegionImportException($"{where}: a polygon needs an array of at least one ring");
        }

        var linearRings = rings.EnumerateArray().Select((r, i) => ReadRing(r, $"{where} ring {i}")).ToArray();
        return Factory.CreatePolygon(linearRings[0], linearRings[1..]);
    }

    private static LinearRing ReadRing(JsonElement positions, string where)
    {
        if (positions.ValueKind != JsonValueKind.Array)
        {
            throw new RegionImportException($"{where}: a ring must be an array of positions");
        }

        var coordinates = new List<Coordinate>(positions.GetArrayLength() + 1);
        foreach (var position in positions.EnumerateArray())
        {
            if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() < 2 ||
                position[0].ValueKind != JsonValueKind.Number || position[1].ValueKind != JsonValueKind.Number ||
                !position[0].TryGetDouble(out var x) || !position[1].TryGetDouble(out var y) ||
                !double.IsFinite(x) || !double.IsFinite(y))
            {
                throw new RegionImportException(
                    $"{where}: position {coordinates.Count} is not a [longitude, latitude] pair of numbers");
            }

            coordinates.Add(new Coordinate(x, y));
        }

        if (coordinates.Count > 0 && !coordinates[0].Equals2D(coordinates[^1]))
        {
            coordinates.Add(coordinates[0].Copy());
        }

        if (coordinates.Count < 4)
        {
            throw new RegionImportException(
                $"{where}: a ring needs at least 4 positions but has {coordinates.Count.ToString(CultureInfo.InvariantCulture)}");
        }

        return Factory.CreateLinearRing(coordinates.ToArray());
    }

    private static string TypeOf(JsonElement element, string where) =>
        element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw new RegionImportException($"{where}: missing the 'type' member");

    private static string Describe(JsonValueKind kind) => kind.ToString().ToLowerInvariant();
}
