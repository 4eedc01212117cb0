using NetTopologySuite.Geometries;

namespace Command.Grains.Regions.Import;

/// <summary>Helpers that keep results of overlay operations polygonal.</summary>
internal static class Polygons
{
    /// <summary>
    /// The polygonal part of <paramref name="geometry"/> as a Polygon or MultiPolygon (points and lines an overlay may
    /// leave behind are dropped); an empty Polygon when there is none.
    /// </summary>
    public static Geometry Only(Geometry geometry)
    {
        if (geometry is Polygon or MultiPolygon)
        {
            return geometry;
        }

        var parts = new List<Polygon>();
        Collect(geometry, parts);
        var factory = geometry.Factory;
        return parts.Count switch
        {
            0 => factory.CreatePolygon(),
            1 => parts[0],
            _ => factory.CreateMultiPolygon(parts.ToArray()),
        };
    }

    /// <summary>The polygons of a Polygon or MultiPolygon (or of any collection holding them).</summary>
    public static List<Polygon> Parts(Geometry geometry)
    {
        var parts = new List<Polygon>();
        Collect(geometry, parts);
        return parts;
    }

    private static void Collect(Geometry geometry, List<Polygon> parts)
    {
        switch (geometry)
        {
            case Polygon { IsEmpty: false } polygon:
                parts.Add(polygon);
                break;
            case GeometryCollection collection:
                for (var i = 0; i < collection.NumGeometries; i++)
                {
                    Collect(collection.GetGeometryN(i), parts);
                }

                break;
        }
    }
}
