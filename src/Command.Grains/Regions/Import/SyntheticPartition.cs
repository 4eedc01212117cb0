using System.Text;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Triangulate;

namespace Command.Grains.Regions.Import;

/// <summary>
/// Splits a boundary into a given number of synthetic pieces of similar area: a Voronoi diagram around seed points
/// spread by Lloyd relaxation, clipped to the parent. The result depends only on the inputs: the same parent, count and
/// seed give the same pieces, coordinate for coordinate, in every process.
/// </summary>
public static class SyntheticPartition
{
    private const int RelaxationRounds = 10;
    private const int SamplesPerPiece = 32;
    private const int ExtraSamples = 64;
    private const int MaxSamplingAttempts = 6;
    private const double MaxGridCells = 4_000_000;

    /// <summary>
    /// Partitions <paramref name="parent"/> (a Polygon or MultiPolygon) into <paramref name="count"/> non-empty Polygons
    /// or MultiPolygons that cover it without overlapping. Pieces come in reading order: rows of about √count pieces from
    /// north to south by centroid latitude, west to east within a row. A count of 1 returns the parent itself.
    /// </summary>
    /// <exception cref="ArgumentException">The parent is not a non-empty Polygon or MultiPolygon, or too thin to seed.</exception>
    public static IReadOnlyList<Geometry> Split(Geometry parent, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (parent is not (Polygon or MultiPolygon) || parent.IsEmpty)
        {
            throw new ArgumentException($"cannot partition a {parent.GeometryType}; a non-empty polygon is needed", nameof(parent));
        }

        if (count == 1)
        {
            return [parent];
        }

        var random = new SplitMix64(seed);
        var locator = new IndexedPointInAreaLocator(parent);
        var samples = Sample(parent, count, random, locator);
        var sites = Relax(samples, count, random, locator);
        var pieces = Clip(parent, sites);
        Fragments.Reattach(pieces, sites);
        return InReadingOrder(pieces);
    }

    /// <summary>A stable 64-bit seed for a code: FNV-1a over its UTF-8 bytes.</summary>
    public static ulong Seed(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(code))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>
    /// Stratified random points strictly inside the parent: one jittered point per cell of a grid laid over the envelope,
    /// kept when inside. Stratifying keeps the sample density even, so sample counts measure area well.
    /// </summary>
    private static Coordinate[] Sample(Geometry parent, int count, SplitMix64 random, IndexedPointInAreaLocator locator)
    {
        var wanted = (SamplesPerPiece * count) + ExtraSamples;
        var envelope = parent.EnvelopeInternal;
        var fill = Math.Max(parent.Area / Math.Max(envelope.Area, double.Epsilon), 1e-6);
        for (var attempt = 0; attempt < MaxSamplingAttempts; attempt++, fill /= 4)
        {
            var cells = Math.Min(wanted / fill, MaxGridCells);
            var aspect = envelope.Width / Math.Max(envelope.Height, double.Epsilon);
            var columns = Math.Clamp((int)Math.Ceiling(Math.Sqrt(cells * aspect)), 1, (int)MaxGridCells);
            var rows = Math.Clamp((int)Math.Ceiling(cells / columns), 1, (int)MaxGridCells);
            var width = envelope.Width / columns;
            var height = envelope.Height / rows;
            var samples = new List<Coordinate>(wanted + (wanted / 4));
            for (var row = 0; row < rows; row++)
            {
                for (var column = 0; column < columns; column++)
                {
                    var point = new Coordinate(
                        envelope.MinX + ((column + random.NextDouble()) * width),
                        envelope.MinY + ((row + random.NextDouble()) * height));
                    if (locator.Locate(point) == Location.Interior)
                    {
                        samples.Add(point);
                    }
                }
            }

            if (samples.Count >= Math.Min(wanted, 4 * count))
            {
                return samples.ToArray();
            }
        }

        throw new ArgumentException($"the parent is too thin to place {count} seed points in it", nameof(parent));
    }

    /// <summary>
    /// Lloyd relaxation on the samples (k-means, seeded k-means++ style): each site moves to the mean of the samples
    /// closest to it, or to the nearest of those samples when the mean falls outside the parent, so sites stay inside
    /// and the cells approach equal areas.
    /// </summary>
    private static Coordinate[] Relax(Coordinate[] samples, int count, SplitMix64 random, IndexedPointInAreaLocator locator)
    {
        var sites = InitialSites(samples, count, random);
        var sumX = new double[count];
        var sumY = new double[count];
        var members = new int[count];
        var owner = new int[samples.Length];
        var best = new double[count];
        var nearestMember = new Coordinate[count];
        for (var round = 0; round < RelaxationRounds; round++)
        {
            Array.Clear(sumX);
            Array.Clear(sumY);
            Array.Clear(members);
            for (var j = 0; j < samples.Length; j++)
            {
                var i = Nearest(sites, samples[j]);
                owner[j] = i;
                sumX[i] += samples[j].X;
                sumY[i] += samples[j].Y;
                members[i]++;
            }

            Array.Fill(best, double.PositiveInfinity);
            for (var j = 0; j < samples.Length; j++)
            {
                var i = owner[j];
                var distance = Distance2(samples[j], sumX[i] / members[i], sumY[i] / members[i]);
                if (distance < best[i])
                {
                    best[i] = distance;
                    nearestMember[i] = samples[j];
                }
            }

            var moved = new Coordinate[count];
            var taken = new HashSet<(double, double)>();
            for (var i = 0; i < count; i++)
            {
                if (members[i] == 0)
                {
                    moved[i] = sites[i];
                    taken.Add((sites[i].X, sites[i].Y));
                    continue;
                }

                var mean = new Coordinate(sumX[i] / members[i], sumY[i] / members[i]);
                moved[i] = locator.Locate(mean) == Location.Interior && taken.Add((mean.X, mean.Y))
                    ? mean
                    : nearestMember[i];
                taken.Add((moved[i].X, moved[i].Y));
            }

            sites = moved;
        }

        return sites;
    }

    /// <summary>k-means++ seeding: each next site is a sample drawn with probability proportional to its squared distance to the sites so far.</summary>
    private static Coordinate[] InitialSites(Coordinate[] samples, int count, SplitMix64 random)
    {
        var sites = new Coordinate[count];
        sites[0] = samples[random.NextInt(samples.Length)];
        var distance = samples.Select(s => Distance2(s, sites[0].X, sites[0].Y)).ToArray();
        for (var i = 1; i < count; i++)
        {
            var target = random.NextDouble() * distance.Sum();
            var pick = 0;
            for (var acc = 0.0; pick < samples.Length - 1; pick++)
            {
                acc += distance[pick];
                if (acc > target && distance[pick] > 0)
                {
                    break;
                }
            }

            if (distance[pick] == 0)
            {
                pick = Array.IndexOf(distance, distance.Max());
            }

            sites[i] = samples[pick];
            for (var j = 0; j < samples.Length; j++)
            {
                distance[j] = Math.Min(distance[j], Distance2(samples[j], sites[i].X, sites[i].Y));
            }
        }

        return sites;
    }

    private static double Distance2(Coordinate a, double x, double y) => ((a.X - x) * (a.X - x)) + ((a.Y - y) * (a.Y - y));

    private static int Nearest(Coordinate[] sites, Coordinate point)
    {
        var nearest = 0;
        var best = double.PositiveInfinity;
        for (var i = 0; i < sites.Length; i++)
        {
            var dx = sites[i].X - point.X;
            var dy = sites[i].Y - point.Y;
            var distance = (dx * dx) + (dy * dy);
            if (distance < best)
            {
                best = distance;
                nearest = i;
            }
        }

        return nearest;
    }

    /// <summary>The Voronoi cell of each site intersected with the parent, in site order.</summary>
    private static Geometry[] Clip(Geometry parent, Coordinate[] sites)
    {
        var clip = new Envelope(parent.EnvelopeInternal);
        clip.ExpandBy(Math.Max(clip.Width, clip.Height) * 0.1);
        var builder = new VoronoiDiagramBuilder { ClipEnvelope = clip, Tolerance = 0 };
        builder.SetSites(sites);
        var diagram = builder.GetDiagram(parent.Factory);
        if (diagram.NumGeometries != sites.Length)
        {
            throw new InvalidOperationException($"the Voronoi diagram has {diagram.NumGeometries} cells for {sites.Length} sites");
        }

        var pieces = new Geometry[sites.Length];
        for (var k = 0; k < diagram.NumGeometries; k++)
        {
            var cell = diagram.GetGeometryN(k);
            var site = (Coordinate)cell.UserData;
            var i = Nearest(sites, site);
            pieces[i] = Polygons.Only(OverlayNGRobust.Overlay(cell, parent, SpatialFunction.Intersection));
        }

        for (var i = 0; i < pieces.Length; i++)
        {
            if (pieces[i] is null || pieces[i].IsEmpty)
            {
                throw new InvalidOperationException($"the Voronoi cell of site {i} does not meet the parent");
            }
        }

        return pieces;
    }

    /// <summary>Rows of about √n pieces from north to south by centroid, each row from west to east.</summary>
    private static Geometry[] InReadingOrder(Geometry[] pieces)
    {
        var centers = pieces.Select(p => p.Centroid.Coordinate).ToArray();
        var byLatitude = Enumerable.Range(0, pieces.Length)
            .OrderByDescending(i => centers[i].Y)
            .ThenBy(i => centers[i].X)
            .ToArray();
        var rows = Math.Max(1, (int)Math.Round(Math.Sqrt(pieces.Length)));
        var ordered = new List<Geometry>(pieces.Length);
        var start = 0;
        for (var row = 0; row < rows; row++)
        {
            var size = (pieces.Length / rows) + (row < pieces.Length % rows ? 1 : 0);
            ordered.AddRange(byLatitude.Skip(start).Take(size).OrderBy(i => centers[i].X).Select(i => pieces[i]));
            start += size;
        }

        return ordered.ToArray();
    }
}
