using System.Text;
using System.Text.Json;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace Command.Grains.Regions.Import;

/// <summary>Writes boundaries as GeoJSON geometry objects (RFC 7946): lon/lat rounded to 6 decimals (about 0.1 m).</summary>
public static class GeoJsonWriter
{
    private const int Decimals = 6;

    /// <summary>
    /// Writes <paramref name="geometry"/> (a Polygon or MultiPolygon) as a GeoJSON geometry object. Exterior rings are
    /// written counter-clockwise and holes clockwise, as RFC 7946 asks; positions that collapse onto their predecessor
    /// after rounding are left out while the ring keeps at least 4 positions.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is neither a Polygon nor a MultiPolygon.</exception>
    public static void WriteGeometry(Utf8JsonWriter writer, Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(geometry);
        writer.WriteStartObject();
        switch (geometry)
        {
            case Polygon polygon:
                writer.WriteString("type", "Polygon");
                writer.WritePropertyName("coordinates");
                WritePolygon(writer, polygon);
                break;
            case MultiPolygon multiPolygon:
                writer.WriteString("type", "MultiPolygon");
                writer.WritePropertyName("coordinates");
                writer.WriteStartArray();
                for (var i = 0; i < multiPolygon.NumGeometries; i++)
                {
                    WritePolygon(writer, (Polygon)multiPolygon.GetGeometryN(i));
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException(
                    $"only Polygon and MultiPolygon boundaries are written, not {geometry.GeometryType}", nameof(geometry));
        }

        writer.WriteEndObject();
    }

    /// <summary>The GeoJSON geometry object of <paramref name="geometry"/> as a compact string.</summary>
    public static string ToJson(Geometry geometry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteGeometry(writer, geometry);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WritePolygon(Utf8JsonWriter writer, Polygon polygon)
    {
        writer.WriteStartArray();
        if (!polygon.IsEmpty)
        {
            WriteRing(writer, polygon.ExteriorRing.Coordinates, counterClockwise: true);
            for (var i = 0; i < polygon.NumInteriorRings; i++)
            {
                WriteRing(writer, polygon.GetInteriorRingN(i).Coordinates, counterClockwise: false);
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteRing(Utf8JsonWriter writer, Coordinate[] ring, bool counterClockwise)
    {
        var rounded = new List<(double X, double Y)>(ring.Length);
        foreach (var c in ring)
        {
            var p = (Math.Round(c.X, Decimals), Math.Round(c.Y, Decimals));
            if (rounded.Count == 0 || rounded[^1] != p)
            {
                rounded.Add(p);
            }
        }

        if (rounded.Count < 4)
        {
            rounded = ring.Select(c => (Math.Round(c.X, Decimals), Math.Round(c.Y, Decimals))).ToList();
        }

        if (ring.Length >= 4 && Orientation.IsCCW(ring) != counterClockwise)
        {
            rounded.Reverse();
        }

        writer.WriteStartArray();
        foreach (var (x, y) in rounded)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(x);
            writer.WriteNumberValue(y);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }
}
