using Command.Grains.Audit;
using Command.Grains.Regions;
using Command.Grains.Regions.Import;
using Command.Runtime.Storage;
using Command.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Grains.Tests.Regions;

/// <summary>The demo county stored and loaded into a region directory once for a test class, as the silo does at start.</summary>
public sealed class DemoDirectoryFixture : IAsyncLifetime
{
    private TestCluster? cluster;

    public RegionDirectory Directory => cluster?.Services.GetRequiredService<RegionDirectory>() ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var options = new TestClusterOptions
        {
            ConfigureServices = services =>
            {
                services.AddSingleton<RegionDirectory>();
                services.AddSingleton<AuditLog>();
                services.AddSingleton<RegionStore>();
            },
        };
        options.GrainAssemblies.Add(GrainsAssembly.Assembly);
        options.MigrationComponents.Add((GrainsAssembly.Assembly, GrainsAssembly.MigrationComponent));
        cluster = await TestCluster.StartAsync(options);
        await cluster.Services.GetRequiredService<RegionStore>().SaveAsync(RegionImporter.BuildDemo(), "test");
        await Directory.LoadAsync(cluster.Services.GetRequiredService<Database>());
    }

    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }
}
