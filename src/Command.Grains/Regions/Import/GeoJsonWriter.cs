using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace Command.Grains.Regions.Import;

/// <summary>Writes boundaries as GeoJSON geometry objects (RFC 7946): lon/lat rounded to 6 decimals (about 0.1 m).</summary>
public static class GeoJsonWriter
{
    private const int Decimals = 6;

    // RFC 7946 asks for counter-clockwise exterior rings and clockwise holes; the library turns rings that way.
    private static readonly JsonSerializerOptions Options = new()
    {
        Converters =
        {
            new GeoJsonConverterFactory(
                GeoJsonReader.Factory, false, GeoJsonConverterFactory.DefaultIdPropertyName, RingOrientationOption.EnforceRfc9746),
        },
    };

    /// <summary>
    /// The GeoJSON geometry object of <paramref name="geometry"/> (a Polygon or MultiPolygon) as a compact string.
    /// Exterior rings are written counter-clockwise and holes clockwise; positions that collapse onto their predecessor
    /// after rounding are left out while the ring keeps at least 4 positions.
    /// </summary>
    /// <exception cref="ArgumentException">The geometry is neither a Polygon nor a MultiPolygon.</exception>
    public static string ToJson(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Geometry rounded = geometry switch
        {
            Polygon polygon => Round(polygon),
            MultiPolygon multiPolygon => multiPolygon.Factory.CreateMultiPolygon(
                Enumerable.Range(0, multiPolygon.NumGeometries).Select(i => Round((Polygon)multiPolygon.GetGeometryN(i))).ToArray()),
            _ => throw new ArgumentException(
                $"only Polygon and MultiPolygon boundaries are written, not {geometry.GeometryType}", nameof(geometry)),
        };
        return JsonSerializer.Serialize(rounded, Options);
    }

    private static Polygon Round(Polygon polygon) =>
        polygon.IsEmpty ? polygon : polygon.Factory.CreatePolygon(Round(polygon.Shell), polygon.Holes.Select(Round).ToArray());

    private static LinearRing Round(LinearRing ring)
    {
        var positions = ring.CoordinateSequence;
        var rounded = new List<Coordinate>(positions.Count);
        for (var i = 0; i < positions.Count; i++)
        {
            var c = new Coordinate(Math.Round(positions.GetX(i), Decimals), Math.Round(positions.GetY(i), Decimals));
            if (rounded.Count == 0 || !rounded[^1].Equals2D(c))
            {
                rounded.Add(c);
            }
        }

        if (rounded.Count < 4)
        {
            rounded = [.. ring.Coordinates.Select(c => new Coordinate(Math.Round(c.X, Decimals), Math.Round(c.Y, Decimals)))];
        }

        return ring.Factory.CreateLinearRing(rounded.ToArray());
    }
}
