using Command.Data;
using Command.Data.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;

namespace Command.Bench;

/// <summary>A silo in this process over the given storage, with the benchmark's grains.</summary>
internal sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost host;
    private readonly string? sqliteDirectory;

    private BenchSilo(IHost host, string? sqliteDirectory)
    {
        this.host = host;
        this.sqliteDirectory = sqliteDirectory;
    }

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>A silo over a fresh SQLite file in a temporary directory, deleted on dispose.</summary>
    public static Task<BenchSilo> StartSqliteAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "command-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return StartAsync(StorageProvider.Sqlite, $"Data Source={Path.Combine(directory, "bench.db")}", directory);
    }

    public static async Task<BenchSilo> StartAsync(StorageProvider provider, string connectionString, string? sqliteDirectory = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo.UseCommandData(new StorageOptions { Provider = provider, ConnectionString = connectionString }, new NodeOptions()));
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host, sqliteDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        await ((IAsyncDisposable)host).DisposeAsync();
        if (sqliteDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(sqliteDirectory, recursive: true);
        }
    }
}
