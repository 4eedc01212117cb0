using System.Reflection;
using Command.Runtime;
using Command.Runtime.Hosting;
using Command.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Command.TestingHost;

public sealed class TestClusterOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Assemblies with grain classes (and embedded migrations under <see cref="MigrationComponents"/>).</summary>
    public List<Assembly> GrainAssemblies { get; } = [];

    /// <summary>(assembly, component) pairs of extra migration scripts to apply.</summary>
    public List<(Assembly Assembly, string Component)> MigrationComponents { get; } = [];

    public Action<SiloOptions>? ConfigureSilo { get; set; }

    public Action<IServiceCollection>? ConfigureServices { get; set; }

    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;
}

/// <summary>
/// An in-process silo for tests (our stand-in for Orleans' TestingHost): over a throwaway SQLite file or
/// PostgreSQL database, with a fake clock that survives restarts. It can stop gracefully, kill, restart over the
/// same database, and force a grain to deactivate.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions options;
    private IHost? host;

    private TestCluster(TestClusterOptions options, TestDatabase database)
    {
        this.options = options;
        Database = database;
    }

    public FakeTimeProvider Clock { get; } = new();

    public TestDatabase Database { get; }

    /// <summary>Log lines at or above <see cref="TestClusterOptions.MinimumLogLevel"/>, for assertions.</summary>
    public CapturedLogs Logs { get; } = new();

    public IServiceProvider Services => host?.Services ?? throw new InvalidOperationException("The silo is not running.");

    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    internal Silo Silo => Services.GetRequiredService<Silo>();

    public int ActivationCount => Silo.ActivationCount;

    public static async Task<TestCluster> StartAsync(TestClusterOptions? options = null)
    {
        options ??= new TestClusterOptions();
        var database = await TestDatabase.CreateAsync(options.Provider);
        var cluster = new TestCluster(options, database);
        try
        {
            await cluster.StartSiloAsync();
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Stops gracefully: running turns finish, grains deactivate, queued writes commit.</summary>
    public async Task StopAsync()
    {
        if (host is null)
        {
            return;
        }

        await host.StopAsync();
        await DisposeHostAsync(host);
        host = null;
    }

    /// <summary>Stops as a crash would: no grain code runs and nothing more is written.</summary>
    public async Task KillAsync()
    {
        if (host is null)
        {
            return;
        }

        Silo.Kill();
        await host.StopAsync();
        await DisposeHostAsync(host);
        host = null;
    }

    /// <summary>Starts a new silo over the same database and clock (stopping or killing first is the caller's choice; a running silo is killed).</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await StartSiloAsync();
    }

    /// <summary>Deactivates the grain now and waits until it is gone.</summary>
    public Task DeactivateAsync(IAddressable grain) => Silo.DeactivateAsync(grain.GetGrainId());

    /// <summary>Runs the idle collector once, at the clock's current time.</summary>
    public void CollectIdle() => Silo.CollectIdle();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            await Database.DisposeAsync();
        }
    }

    // Host.Dispose would block a thread-pool thread on the asynchronous disposal of the silo's database.
    private static ValueTask DisposeHostAsync(IHost host) => ((IAsyncDisposable)host).DisposeAsync();

    private async Task StartSiloAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Logging.AddProvider(Logs).SetMinimumLevel(options.MinimumLogLevel);
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.AddCommandRuntime(runtime =>
        {
            foreach (var assembly in options.GrainAssemblies)
            {
                runtime.AddGrains(assembly);
            }

            foreach (var (assembly, component) in options.MigrationComponents)
            {
                runtime.AddMigrations(assembly, component);
            }
        });
        builder.Services.Configure<StorageOptions>(storage =>
        {
            storage.Provider = Database.Provider;
            storage.ConnectionString = Database.ConnectionString;
        });
        builder.Services.Configure<SiloOptions>(silo =>
        {
            silo.ReminderMinimumPeriod = TimeSpan.FromSeconds(1);
            options.ConfigureSilo?.Invoke(silo);
        });
        options.ConfigureServices?.Invoke(builder.Services);
        var started = builder.Build();
        await started.StartAsync();
        host = started;
    }
}
