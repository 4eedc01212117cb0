using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Union;

namespace Command.Grains.Regions.Import;

/// <summary>
/// Gives every region of a tree a boundary: its real one when supplied, otherwise a synthetic piece of its parent, and
/// for a region above the counties without one, the union of its children. Each level's partitions run in parallel;
/// every result lands in its own slot, so the outcome does not depend on scheduling.
/// </summary>
internal static class BoundaryResolver
{
    public static void Resolve(RegionNode root, IReadOnlyDictionary<string, Geometry> realBoundaries)
    {
        var frontier = new List<RegionNode>();
        ResolveTop(root, realBoundaries, frontier);
        while (frontier.Count > 0)
        {
            var parents = frontier.ToArray();
            var pieces = new Geometry[parents.Length][];
            var errors = new Exception?[parents.Length];
            Parallel.For(0, parents.Length, i =>
            {
                try
                {
                    pieces[i] = Partition(parents[i], realBoundaries);
                }
                catch (Exception e) when (e is RegionImportException or ArgumentException or InvalidOperationException)
                {
                    errors[i] = e;
                }
            });

            if (errors.FirstOrDefault(e => e is not null) is { } error)
            {
                throw error as RegionImportException ?? new RegionImportException(error.Message, error);
            }

            frontier.Clear();
            for (var i = 0; i < parents.Length; i++)
            {
                var children = parents[i].Children;
                for (var k = 0; k < children.Count; k++)
                {
                    var child = children[k];
                    child.Boundary = pieces[i][k];
                    child.Synthetic = !realBoundaries.ContainsKey(child.Code);
                    if (child.Children.Count > 0)
                    {
                        frontier.Add(child);
                    }
                }
            }
        }
    }

    /// <summary>Regions whose boundary cannot come from a parent: the root and, below a city without one, its counties.</summary>
    private static void ResolveTop(RegionNode node, IReadOnlyDictionary<string, Geometry> realBoundaries, List<RegionNode> frontier)
    {
        if (realBoundaries.TryGetValue(node.Code, out var real))
        {
            node.Boundary = real;
            node.Synthetic = false;
            if (node.Children.Count > 0)
            {
                frontier.Add(node);
            }

            return;
        }

        if (node.Level >= RegionLevel.County || node.Children.Count == 0)
        {
            throw new RegionImportException(
                $"{node} has neither a real boundary nor a parent boundary to derive one from; supply its boundary");
        }

        foreach (var child in node.Children)
        {
            ResolveTop(child, realBoundaries, frontier);
        }

        node.Boundary = Polygons.Only(UnaryUnionOp.Union(node.Children.Select(c => c.Boundary!).ToList()));
        node.Synthetic = node.Children.Any(c => c.Synthetic);
    }

    /// <summary>
    /// The boundaries of a region's children, in child order: real ones as supplied, and the rest of the region (minus
    /// the real ones) split among the others in code order.
    /// </summary>
    private static Geometry[] Partition(RegionNode parent, IReadOnlyDictionary<string, Geometry> realBoundaries)
    {
        var children = parent.Children;
        var result = new Geometry[children.Count];
        var real = new List<Geometry>();
        var derived = new List<int>();
        for (var k = 0; k < children.Count; k++)
        {
            if (realBoundaries.TryGetValue(children[k].Code, out var boundary))
            {
                result[k] = boundary;
                real.Add(boundary);
            }
            else
            {
                derived.Add(k);
            }
        }

        if (derived.Count == 0)
        {
            return result;
        }

        var area = parent.Boundary!;
        if (real.Count > 0)
        {
            area = Polygons.Only(OverlayNGRobust.Overlay(area, OverlayNGRobust.Union(real), SpatialFunction.Difference));
        }

        if (area.IsEmpty)
        {
            throw new RegionImportException(
                $"the real boundaries inside {parent} leave no room for its {derived.Count} other children");
        }

        var pieces = SyntheticPartition.Split(area, derived.Count, SyntheticPartition.Seed(parent.Code));
        for (var d = 0; d < derived.Count; d++)
        {
            result[derived[d]] = pieces[d];
        }

        return result;
    }
}
