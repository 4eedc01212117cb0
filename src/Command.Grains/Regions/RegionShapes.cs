using System.Collections.Concurrent;
using Command.Grains.Regions.Import;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index;
using NetTopologySuite.Index.Strtree;

namespace Command.Grains.Regions;

/// <summary>
/// Point-in-polygon over one snapshot of the region tree: the grid a point falls in (an STR-tree of grid boundaries)
/// and whether a point lies inside a region. Boundaries are parsed from their GeoJSON on first use, once per region,
/// and then shared by every thread; a new snapshot (after an import) starts afresh.
/// </summary>
internal sealed class RegionShapes
{
    private readonly Dictionary<string, RegionInfo> regions;
    private readonly ConcurrentDictionary<string, Area> areas = new(StringComparer.Ordinal);
    private readonly Lazy<STRtree<Area>> grids;

    public RegionShapes(Dictionary<string, RegionInfo> regions)
    {
        this.regions = regions;
        grids = new Lazy<STRtree<Area>>(BuildGridTree, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The grid whose boundary covers the point; on an edge grids share, the lowest code; null outside every grid.</summary>
    public RegionInfo? LocateGrid(double lat, double lon)
    {
        if (!double.IsFinite(lat) || !double.IsFinite(lon))
        {
            return null;
        }

        var lowest = new LowestCovering(new Coordinate(lon, lat));
        grids.Value.Query(new Envelope(lon, lon, lat, lat), lowest);
        return lowest.Found?.Region;
    }

    /// <summary>True when the point lies inside the region's boundary or on it; false for an unknown region.</summary>
    public bool Contains(string regionCode, double lat, double lon) =>
        double.IsFinite(lat) && double.IsFinite(lon) &&
        regions.TryGetValue(regionCode, out var region) && region.Envelope.Contains(lon, lat) &&
        AreaOf(region).Covers(new Coordinate(lon, lat));

    private Area AreaOf(RegionInfo region) => areas.GetOrAdd(region.Code, static (_, r) => new Area(r), region);

    private STRtree<Area> BuildGridTree()
    {
        var tree = new STRtree<Area>();
        foreach (var region in regions.Values)
        {
            if (region.Level == RegionLevel.Grid)
            {
                var area = AreaOf(region);
                tree.Insert(area.Envelope, area);
            }
        }

        // Built here, inside the lazy initialiser, so that concurrent queries only ever read it.
        tree.Build();
        return tree;
    }

    /// <summary>
    /// A region's boundary as an indexed point locator: what a prepared polygon uses for point tests, called directly
    /// so a test needs only a coordinate (no Point geometry per lookup).
    /// </summary>
    private sealed class Area
    {
        private readonly IndexedPointInAreaLocator locator;

        public Area(RegionInfo region)
        {
            Region = region;
            var boundary = GeoJsonReader.ReadGeometry(region.BoundaryJson, $"the boundary of region {region.Code}");
            Envelope = boundary.EnvelopeInternal;
            locator = new IndexedPointInAreaLocator(boundary);

            // Any index the locator builds lazily is built now, before other threads can see it.
            locator.Locate(Envelope.Centre);
        }

        public RegionInfo Region { get; }

        public Envelope Envelope { get; }

        public bool Covers(Coordinate point) => Envelope.Contains(point) && locator.Locate(point) != Location.Exterior;
    }

    private sealed class LowestCovering(Coordinate point) : IItemVisitor<Area>
    {
        public Area? Found { get; private set; }

        public void VisitItem(Area item)
        {
            if ((Found is null || string.CompareOrdinal(item.Region.Code, Found.Region.Code) < 0) && item.Covers(point))
            {
                Found = item;
            }
        }
    }
}
