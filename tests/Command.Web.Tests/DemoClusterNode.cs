using Command.Bench;
using Command.Testing;

namespace Command.Web.Tests;

/// <summary>A silo process of a demo cluster over a test's PostgreSQL database, as infra/cluster/up.sh runs one (without the proxy).</summary>
internal static class DemoClusterNode
{
    /// <summary>The build the test runs from, so the silo process is started from the same one.</summary>
    public static readonly string Configuration =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>Production settings with the demo county imported and no simulated activity.</summary>
    public static Dictionary<string, string> Settings(TestDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var settings = SiloProcess.ClusterNode(database.ConnectionString, poolSize: 8);
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["Demo__Enabled"] = "true";
        settings["Demo__Simulate"] = "false";
        return settings;
    }

    public static Task<SiloProcess> StartAsync(Dictionary<string, string> settings) =>
        SiloProcess.StartAsync(settings, Configuration, TimeSpan.FromMinutes(3));
}
