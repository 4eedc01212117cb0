using Command.Runtime;
using Command.Runtime.Hosting;
using Command.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Command.Bench;

/// <summary>A silo in this process over the given storage, with the benchmark's grains.</summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost host;

    private BenchSilo(IHost host) => this.host = host;

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<BenchSilo> StartAsync(StorageProvider provider, string connectionString)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddCommandRuntime(runtime => runtime.AddGrains(typeof(BenchSilo).Assembly));
        builder.Services.Configure<StorageOptions>(storage =>
        {
            storage.Provider = provider;
            storage.ConnectionString = connectionString;
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
