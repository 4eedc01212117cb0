using System.Globalization;
using Command.Grains.Units;
using Command.Grains.Workers;
using Command.Data;
using NetTopologySuite.Geometries;

namespace Command.Grains.Regions;

/// <summary>
/// The imported region tree, workers and units, held in memory for lookups on hot paths (a device id on every
/// position, a scope check on every request). Loaded from the database at start and again after an import.
/// </summary>
public sealed class RegionDirectory
{
    private volatile Snapshot? current;

    public bool IsLoaded => current is not null;

    private Snapshot Current => current ?? throw new InvalidOperationException("The region directory is not loaded yet.");

    public IReadOnlyList<RegionInfo> Roots => Current.Roots;

    public IReadOnlyList<UnitInfo> Units => Current.Units;

    public int RegionCount => Current.Regions.Count;

    public int WorkerCount => Current.Workers.Count;

    public RegionInfo? FindRegion(string code) => Current.Regions.GetValueOrDefault(code);

    public WorkerInfo? FindWorker(long id) => Current.Workers.GetValueOrDefault(id);

    /// <summary>The worker whose tracker sends this device id (no allocation for the lookup).</summary>
    public WorkerInfo? FindWorkerByDevice(ReadOnlySpan<char> deviceId) =>
        Current.ByDevice.TryGetValue(deviceId, out var worker) ? worker : null;

    public IReadOnlyList<WorkerInfo> WorkersOfGrid(string gridCode) => Current.ByGrid.GetValueOrDefault(gridCode) ?? [];

    /// <summary>The workers of every grid inside the region, in grid order.</summary>
    public IEnumerable<WorkerInfo> WorkersWithin(string regionCode) =>
        Current.WorkersInOrder.Where(w => RegionCode.IsWithin(w.GridCode, regionCode));

    /// <summary>A unit by id (center-…, village-…, dept-…), or null.</summary>
    public UnitInfo? FindUnit(string id) => Current.UnitsById.GetValueOrDefault(id);

    /// <summary>
    /// The grid whose boundary covers the point (WGS-84); for a point on an edge that grids share, the one with the
    /// lowest code; null outside every grid. The grid index is built on the first call after each load.
    /// </summary>
    public RegionInfo? LocateGrid(double lat, double lon) => Current.Shapes.LocateGrid(lat, lon);

    /// <summary>True when the point lies inside the region's boundary (or on it); false for an unknown region.</summary>
    public bool Contains(string regionCode, double lat, double lon) => Current.Shapes.Contains(regionCode, lat, lon);

    /// <summary>A point inside the region (its interior point), for demos, tests and labels; null for an unknown region.</summary>
    public (double Lat, double Lon)? PointInside(string regionCode)
    {
        if (FindRegion(regionCode) is not { } region)
        {
            return null;
        }

        var point = Import.GeoJsonReader.ReadGeometry(region.BoundaryJson).InteriorPoint;
        return (point.Y, point.X);
    }

    /// <summary>The county a region or grid belongs to.</summary>
    public RegionInfo? CountyOf(string code) => code.Length < 6 ? null : FindRegion(code[..6]);

    public async Task LoadAsync(Database database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var regions = new Dictionary<string, RegionInfo>(StringComparer.Ordinal);
        await database.QueryAsync(new SqlStatement("SELECT code, name, level, parent_code, synthetic, boundary FROM regions ORDER BY level, code"), r =>
        {
            var boundary = r.GetString(5);
            var region = new RegionInfo(
                r.GetString(0), r.GetString(1), (RegionLevel)Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture),
                r.IsDBNull(3) ? null : r.GetString(3), Convert.ToInt32(r.GetValue(4), CultureInfo.InvariantCulture) != 0,
                boundary, GeoJsonEnvelope.Of(boundary));
            regions[region.Code] = region;
        }, cancellationToken).ConfigureAwait(false);

        var workers = new List<WorkerInfo>();
        await database.QueryAsync(new SqlStatement("SELECT id, grid_code, sequence, name, phone, full_time, device_id FROM workers ORDER BY grid_code, sequence"), r =>
            workers.Add(new WorkerInfo(
                Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), r.GetString(1), Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture),
                r.GetString(3), r.GetString(4), Convert.ToInt32(r.GetValue(5), CultureInfo.InvariantCulture) != 0, r.GetString(6))), cancellationToken).ConfigureAwait(false);

        var units = new List<UnitInfo>();
        await database.QueryAsync(new SqlStatement("SELECT id, name, kind, region_code, serves FROM units ORDER BY id"), r =>
            units.Add(new UnitInfo(
                r.GetString(0), r.GetString(1), (UnitKind)Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture), r.GetString(3),
                r.GetString(4).Split(',', StringSplitOptions.RemoveEmptyEntries))), cancellationToken).ConfigureAwait(false);

        current = new Snapshot(regions, workers, units);
    }

    private sealed class Snapshot
    {
        public Snapshot(Dictionary<string, RegionInfo> regions, List<WorkerInfo> workers, List<UnitInfo> units)
        {
            Regions = regions;
            Units = units;
            UnitsById = units.ToDictionary(u => u.Id, StringComparer.Ordinal);
            Shapes = new RegionShapes(regions);
            WorkersInOrder = workers;
            Workers = workers.ToDictionary(w => w.Id);
            var byDevice = workers.ToDictionary(w => w.DeviceId, StringComparer.Ordinal);
            ByDevice = byDevice.GetAlternateLookup<ReadOnlySpan<char>>();
            ByGrid = workers.GroupBy(w => w.GridCode, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

            var roots = new List<RegionInfo>();
            foreach (var region in regions.Values)
            {
                if (region.ParentCode is not null && regions.TryGetValue(region.ParentCode, out var parent))
                {
                    parent.AddChild(region);
                }
                else
                {
                    roots.Add(region);
                }
            }

            foreach (var worker in workers)
            {
                for (var code = worker.GridCode; code is not null && regions.TryGetValue(code, out var region); code = region.ParentCode)
                {
                    region.WorkerCount++;
                }
            }

            foreach (var grid in regions.Values.Where(r => r.Level == RegionLevel.Grid))
            {
                for (var code = grid.Code; code is not null && regions.TryGetValue(code, out var region); code = region.ParentCode)
                {
                    region.GridCount++;
                }
            }

            Roots = roots;
        }

        public Dictionary<string, RegionInfo> Regions { get; }

        public Dictionary<long, WorkerInfo> Workers { get; }

        public List<WorkerInfo> WorkersInOrder { get; }

        public Dictionary<string, WorkerInfo>.AlternateLookup<ReadOnlySpan<char>> ByDevice { get; }

        public Dictionary<string, List<WorkerInfo>> ByGrid { get; }

        public List<UnitInfo> Units { get; }

        public Dictionary<string, UnitInfo> UnitsById { get; }

        public RegionShapes Shapes { get; }

        public List<RegionInfo> Roots { get; }
    }
}

/// <summary>The bounding box of a GeoJSON geometry object, without building the geometry.</summary>
internal static class GeoJsonEnvelope
{
    public static Envelope Of(string geometryJson)
    {
        var envelope = new Envelope();
        var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(geometryJson));
        double x = 0;
        var ordinate = 0;
        while (reader.Read())
        {
            if (reader.TokenType == System.Text.Json.JsonTokenType.StartArray)
            {
                ordinate = 0;
            }
            else if (reader.TokenType == System.Text.Json.JsonTokenType.Number)
            {
                // A position is [lon, lat] or [lon, lat, altitude]; the altitude is ignored.
                if (ordinate == 0)
                {
                    x = reader.GetDouble();
                }
                else if (ordinate == 1)
                {
                    envelope.ExpandToInclude(x, reader.GetDouble());
                }

                ordinate++;
            }
        }

        return envelope;
    }
}
