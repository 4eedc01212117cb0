using System.Text;
using NetTopologySuite.Geometries;

namespace Command.Grains.Regions.Import;

/// <summary>
/// Turns a division list and whatever real boundaries exist into a complete region tree down to grids, with synthetic
/// boundaries where none are published, and synthetic grid workers.
/// </summary>
public static class RegionImporter
{
    /// <summary>
    /// Imports the subtree under <paramref name="rootCode"/> (inclusive). A region whose code keys
    /// <paramref name="realBoundaries"/> keeps that boundary, at any level; the others get a synthetic piece of their
    /// parent (the parent minus its real-bounded children, split among the rest in code order). A city without a
    /// boundary gets the union of its counties'. Each village gets the plan's number of grids (village code + 001..N in
    /// reading order), each grid a full-time worker and, as the plan draws it, a part-time helper.
    /// </summary>
    /// <exception cref="RegionImportException">
    /// The root is unknown, a region at county level or below has no boundary and no parent to derive one from, or the
    /// real boundaries leave no room for the regions to derive.
    /// </exception>
    public static RegionImport Build(
        IReadOnlyList<Division> divisions, string rootCode, IReadOnlyDictionary<string, Geometry> realBoundaries, GridPlan plan)
    {
        ArgumentNullException.ThrowIfNull(divisions);
        ArgumentNullException.ThrowIfNull(rootCode);
        ArgumentNullException.ThrowIfNull(realBoundaries);
        ArgumentNullException.ThrowIfNull(plan);

        var root = RegionTree.Build(divisions, rootCode, plan);
        BoundaryResolver.Resolve(root, realBoundaries);

        var nodes = root.SelfAndDescendants()
            .OrderBy(n => n.Level)
            .ThenBy(n => n.Code, StringComparer.Ordinal)
            .ToList();
        var regions = nodes
            .Select(n => new ImportedRegion(n.Code, n.Name, n.Level, n.ParentCode, n.Boundary!, n.Synthetic))
            .ToArray();
        var workers = nodes.Where(n => n.Level == RegionLevel.Grid).SelectMany(g => Workers(g.Code, plan)).ToArray();
        return new RegionImport(regions, workers);
    }

    /// <summary>
    /// Reads a division list and a boundary file embedded in this assembly as <c>data/&lt;file&gt;</c>
    /// (e.g. <c>divisions-hohhot.csv</c> and <c>hohhot-counties.geojson</c>).
    /// </summary>
    /// <exception cref="RegionImportException">A resource is missing or malformed.</exception>
    public static (IReadOnlyList<Division> Divisions, IReadOnlyDictionary<string, Geometry> Boundaries) LoadEmbedded(
        string divisionsFile, string boundariesFile)
    {
        using var csv = OpenEmbedded(divisionsFile);
        using var reader = new StreamReader(csv, Encoding.UTF8);
        var divisions = DivisionCsv.Read(reader);
        using var geoJson = OpenEmbedded(boundariesFile);
        return (divisions, GeoJsonReader.ReadBoundaries(geoJson));
    }

    /// <summary>The demo: 和林格尔县 (150123) of 呼和浩特市 with <see cref="GridPlan.Demo"/>.</summary>
    public static RegionImport BuildDemo()
    {
        var (divisions, boundaries) = LoadEmbedded("divisions-hohhot.csv", "hohhot-counties.geojson");
        return Build(divisions, "150123", boundaries, GridPlan.Demo);
    }

    /// <summary>The city-scale set: all of 铁岭市 (2112) with <see cref="GridPlan.City"/>.</summary>
    public static RegionImport BuildTieling()
    {
        var (divisions, boundaries) = LoadEmbedded("divisions-tieling.csv", "tieling-counties.geojson");
        return Build(divisions, "2112", boundaries, GridPlan.City);
    }

    private static IEnumerable<ImportedWorker> Workers(string gridCode, GridPlan plan)
    {
        yield return Worker(gridCode, 1);
        if (plan.HasHelper(gridCode))
        {
            yield return Worker(gridCode, 2);
        }
    }

    private static ImportedWorker Worker(string gridCode, int sequence)
    {
        var key = $"{gridCode}/{sequence}";
        return new ImportedWorker(
            gridCode,
            sequence,
            SyntheticPeople.Name(SyntheticPartition.Seed("name:" + key)),
            SyntheticPeople.Phone(SyntheticPartition.Seed("phone:" + key)),
            FullTime: sequence == 1);
    }

    private static Stream OpenEmbedded(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        var name = "data/" + file;
        return typeof(RegionImporter).Assembly.GetManifestResourceStream(name)
            ?? throw new RegionImportException($"no embedded resource {name} in {typeof(RegionImporter).Assembly.GetName().Name}");
    }
}
