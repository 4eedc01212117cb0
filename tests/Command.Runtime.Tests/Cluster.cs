using Command.Runtime.Hosting;
using Command.Runtime.Storage;
using Command.Runtime.Tests.Grains;
using Command.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Runtime.Tests;

internal static class Cluster
{
    public static Task<TestCluster> StartAsync(Probe probe, StorageProvider provider = StorageProvider.Sqlite, Action<SiloOptions>? silo = null)
    {
        var options = new TestClusterOptions
        {
            Provider = provider,
            ConfigureSilo = silo,
            ConfigureServices = services =>
            {
                services.AddSingleton(probe);
                services.AddSingleton<IStateMigration, ProfileStateV1ToV2>();
            },
        };
        options.GrainAssemblies.Add(typeof(Cluster).Assembly);
        return TestCluster.StartAsync(options);
    }
}
