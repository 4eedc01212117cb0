using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace Command.Grains.Regions.Import;

/// <summary>
/// Where a concave parent cuts a Voronoi cell in two, the cell's piece gets a detached fragment away from its seed. A
/// village whose grid lies in two places looks like a mistake on a map, so each fragment joins the neighbouring piece it
/// shares the longest border with. A fragment that borders no other piece (an island of the parent) stays where it is.
/// </summary>
internal static class Fragments
{
    public static void Reattach(Geometry[] pieces, Coordinate[] sites)
    {
        var fragments = new List<(int Owner, Polygon Fragment)>();
        for (var i = 0; i < pieces.Length; i++)
        {
            if (pieces[i] is not MultiPolygon multi)
            {
                continue;
            }

            var parts = Polygons.Parts(multi);
            var site = multi.Factory.CreatePoint(sites[i]);
            var main = parts.FindIndex(p => p.Covers(site));
            if (main < 0)
            {
                continue;
            }

            pieces[i] = parts[main];
            fragments.AddRange(parts.Where((_, k) => k != main).Select(p => (i, p)));
        }

        if (fragments.Count == 0)
        {
            return;
        }

        var mains = (Geometry[])pieces.Clone();
        var received = new List<Geometry>[pieces.Length];
        foreach (var (owner, fragment) in fragments)
        {
            var target = LongestBorder(fragment, mains, owner);
            (received[target] ??= [mains[target]]).Add(fragment);
        }

        for (var i = 0; i < pieces.Length; i++)
        {
            if (received[i] is { } parts)
            {
                pieces[i] = Polygons.Only(OverlayNGRobust.Union(parts));
            }
        }
    }

    private static int LongestBorder(Polygon fragment, Geometry[] mains, int owner)
    {
        var best = owner;
        var longest = 0.0;
        var envelope = fragment.EnvelopeInternal;
        var outline = fragment.Boundary;
        for (var j = 0; j < mains.Length; j++)
        {
            if (j == owner || !envelope.Intersects(mains[j].EnvelopeInternal))
            {
                continue;
            }

            var shared = OverlayNGRobust.Overlay(outline, mains[j], SpatialFunction.Intersection).Length;
            if (shared > longest)
            {
                longest = shared;
                best = j;
            }
        }

        return best;
    }
}
