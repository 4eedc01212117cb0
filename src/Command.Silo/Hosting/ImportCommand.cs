using System.Diagnostics;
using System.Globalization;
using Command.Grains.Regions;
using Command.Grains.Regions.Import;
using Command.Web.Hosting;
using NetTopologySuite.Geometries;

namespace Command.Silo.Hosting;

/// <summary>
/// <c>import</c>: imports a region tree into the configured database and exits.
/// <code>
///   import demo | tieling
///   import --divisions divisions.csv --boundaries counties.geojson --root 2112 [--real townships.geojson …] [--grids 4-12] [--helpers 0.25]
/// </code>
/// Real boundaries (GeoJSON features with a "code" property) may be given for any level; the rest are derived.
/// </summary>
internal static class ImportCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "import";

    public static async Task<int> RunAsync(string[] args)
    {
        RegionImport import;
        var started = Stopwatch.GetTimestamp();
        var (options, rest) = Parse(args[1..]);
        try
        {
            import = Build(options);
        }
        catch (Exception e) when (e is RegionImportException or IOException or FormatException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"import: {e.Message}");
            return 2;
        }

        var built = Stopwatch.GetElapsedTime(started);
        var builder = WebApplication.CreateBuilder([.. rest, "--Demo:Enabled=false", "--urls=http://127.0.0.1:0"]);
        builder.AddCommandLogging();
        builder.AddCommandSilo();
        builder.AddCommandDomain();
        builder.Services.AddCommandWeb();
        await using var app = builder.Build();
        await app.StartAsync();
        var summary = await app.Services.GetRequiredService<RegionStore>().SaveAsync(import, $"import ({Environment.UserName})");
        var total = Stopwatch.GetElapsedTime(started);
        await app.StopAsync();

        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {summary.Regions} regions, {summary.Grids} grids, {summary.Workers} workers ({summary.NewWorkers} new), {summary.Units} units; " +
            $"derived in {built.TotalSeconds:0.0} s, total {total.TotalSeconds:0.0} s, peak working set {process.PeakWorkingSet64 / (1024 * 1024)} MiB"));
        return 0;
    }

    private static RegionImport Build(Dictionary<string, List<string>> options)
    {
        string? One(string name) => options.TryGetValue(name, out var values) ? values[^1] : null;
        var dataset = One("");
        if (dataset == "demo")
        {
            return RegionImporter.BuildDemo();
        }

        if (dataset == "tieling")
        {
            return RegionImporter.BuildTieling();
        }

        var divisionsPath = One("--divisions") ?? throw new ArgumentException("give a dataset (demo, tieling) or --divisions, --boundaries and --root");
        var root = One("--root") ?? throw new ArgumentException("--root <code> is required");
        IReadOnlyList<Division> divisions;
        using (var reader = File.OpenText(divisionsPath))
        {
            divisions = DivisionCsv.Read(reader);
        }

        var boundaries = new Dictionary<string, Geometry>(StringComparer.Ordinal);
        foreach (var path in (options.GetValueOrDefault("--boundaries") ?? []).Concat(options.GetValueOrDefault("--real") ?? []))
        {
            using var stream = File.OpenRead(path);
            foreach (var (code, geometry) in GeoJsonReader.ReadBoundaries(stream))
            {
                boundaries[code] = geometry;
            }
        }

        var plan = GridPlan.City;
        if (One("--grids") is { } grids)
        {
            var parts = grids.Split('-');
            plan = plan with { MinGridsPerVillage = int.Parse(parts[0], CultureInfo.InvariantCulture), MaxGridsPerVillage = int.Parse(parts[^1], CultureInfo.InvariantCulture) };
        }

        if (One("--helpers") is { } helpers)
        {
            plan = plan with { HelperShare = double.Parse(helpers, CultureInfo.InvariantCulture) };
        }

        return RegionImporter.Build(divisions, root, boundaries, plan);
    }

    /// <summary>Our options, and the rest (configuration such as --Storage:Provider=Postgres) for the host.</summary>
    private static (Dictionary<string, List<string>> Options, List<string> HostArgs) Parse(string[] args)
    {
        string[] ours = ["--divisions", "--boundaries", "--root", "--real", "--grids", "--helpers"];
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (ours.Contains(args[i]) && i + 1 < args.Length)
            {
                (options.TryGetValue(args[i], out var list) ? list : options[args[i]] = []).Add(args[++i]);
            }
            else if (!args[i].StartsWith('-') && !options.ContainsKey(""))
            {
                options[""] = [args[i]];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return (options, rest);
    }
}
