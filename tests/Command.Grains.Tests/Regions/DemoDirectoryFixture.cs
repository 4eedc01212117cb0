using Command.Grains.Audit;
using Command.Grains.Regions;
using Command.Grains.Regions.Import;
using Command.Data;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Grains.Tests.Regions;

/// <summary>The demo county stored and loaded into a region directory once for a test class, as the silo does at start.</summary>
public sealed class DemoDirectoryFixture : IAsyncLifetime
{
    private CommandCluster? cluster;

    public RegionDirectory Directory => cluster?.Services.GetRequiredService<RegionDirectory>() ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var options = new CommandClusterOptions
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
        cluster = await CommandCluster.StartAsync(options);
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
