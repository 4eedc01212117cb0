using System.Reflection;
using Command.Data;
using Command.Data.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Reminders;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Command.Testing;

public sealed class CommandClusterOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Silos in the cluster; more than one needs PostgreSQL (SQLite is single-node).</summary>
    public int Silos { get; set; } = 1;

    public List<Assembly> GrainAssemblies { get; } = [];

    public List<(Assembly Assembly, string Component)> MigrationComponents { get; } = [];

    public Action<NodeOptions>? ConfigureSilo { get; set; }

    public Action<IServiceCollection>? ConfigureServices { get; set; }

    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;
}

/// <summary>
/// One silo of Orleans' <see cref="InProcessTestCluster"/> over a throwaway SQLite file or PostgreSQL database, with the
/// domain's clock, grain timers and reminders on a <see cref="FakeTimeProvider"/> (Orleans' own maintenance stays on real
/// time). A kill ends the silo without a graceful stop; a restart starts a new cluster on the same database, as a
/// process that died and came back would.
/// </summary>
public sealed class CommandCluster : IAsyncDisposable
{
    /// <summary>Monday 2026-11-02 09:00 China time.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 1, 0, 0, TimeSpan.Zero);

    /// <summary>Reminders and state are kept per service: every cluster started on one database is the same service.</summary>
    private const string ServiceId = "command-test";

    private readonly CommandClusterOptions options;
    private InProcessTestCluster? cluster;

    private CommandCluster(CommandClusterOptions options, TestDatabase database)
    {
        this.options = options;
        Database = database;
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public TestDatabase Database { get; }

    public CapturedLogs Logs { get; } = new();

    public IServiceProvider Services => Running.GetSiloServiceProvider();

    /// <summary>The silo's own grain factory: calls come from outside any grain, as the web host's do.</summary>
    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The services of every silo still running, in the order they started.</summary>
    public IReadOnlyList<IServiceProvider> SiloServices => [.. Running.Silos.Select(s => s.ServiceProvider)];

    /// <summary>The grain factory of the <paramref name="index"/>th running silo (each silo's web host calls through its own).</summary>
    public IGrainFactory GrainFactoryOf(int index) => SiloServices[index].GetRequiredService<IGrainFactory>();

    private InProcessTestCluster Running => cluster ?? throw new InvalidOperationException("The silo is not running.");

    public static async Task<CommandCluster> StartAsync(CommandClusterOptions? options = null)
    {
        options ??= new CommandClusterOptions();
        if (options.Silos > 1 && options.Provider != StorageProvider.Postgres)
        {
            throw new ArgumentException("Several silos need PostgreSQL: SQLite is single-node.", nameof(options));
        }

        var database = await TestDatabase.CreateAsync(options.Provider);
        var cluster = new CommandCluster(options, database);
        try
        {
            await cluster.StartSiloAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>A graceful stop: grains deactivate and queued writes commit.</summary>
    public async Task StopAsync()
    {
        if (cluster is { } running)
        {
            cluster = null;
            try
            {
                await running.StopAllSilosAsync();
            }
            finally
            {
                await running.DisposeAsync();
            }
        }
    }

    /// <summary>Ends the silo at once: nothing runs its deactivation and writes not yet committed are lost.</summary>
    public async Task KillAsync()
    {
        if (cluster is { } running)
        {
            cluster = null;
            try
            {
                foreach (var silo in running.Silos.ToList())
                {
                    try
                    {
                        await running.KillSiloAsync(silo);
                    }
                    catch (Exception e) when (IsCancellation(e))
                    {
                        // A kill stops the host with a cancelled token; services that were waiting say so.
                    }
                }
            }
            finally
            {
                await running.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Stops the <paramref name="index"/>th running silo gracefully (its grains deactivate, its writes commit); the others go on
    /// and take over its grains on their next call, and its reminders once the membership has moved its range.
    /// </summary>
    public async Task StopSiloAsync(int index)
    {
        var silo = Running.Silos[index];
        await Running.StopSiloAsync(silo);
    }

    /// <summary>Starts one more silo that joins the running cluster.</summary>
    public async Task AddSiloAsync() => await Running.StartAdditionalSiloAsync();

    public async Task RestartAsync()
    {
        await KillAsync();
        await StartSiloAsync();
    }

    /// <summary>
    /// Waits for what the fake clock has made due. Orleans' reminder service delivers a tick whose time it finds already
    /// past at the next multiple of the reminder's period (as after downtime); when the clock jumped before its loop looked,
    /// that is one period of fake time later. So while waiting, the clock moves on by <paramref name="period"/> every
    /// 200 ms of real time, as time would go on in a running system.
    /// </summary>
    public async Task<T> UntilDueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan period, string what)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var nudge = DateTime.UtcNow + TimeSpan.FromMilliseconds(200);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what}; last value: {value}");
            }

            if (DateTime.UtcNow > nudge)
            {
                Clock.Advance(period);
                nudge = DateTime.UtcNow + TimeSpan.FromMilliseconds(200);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Deactivates one grain now, as idle collection would.</summary>
    public Task DeactivateAsync(IAddressable grain) =>
        (cluster ?? throw new InvalidOperationException("The silo is not running.")).DeactivateAsync(grain);

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

    private static bool IsCancellation(Exception e) => e switch
    {
        OperationCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsCancellation),
        _ => false,
    };

    private async Task StartSiloAsync()
    {
        var storage = new StorageOptions { Provider = Database.Provider, ConnectionString = Database.ConnectionString };
        var silo = new NodeOptions { ServiceId = ServiceId, ReminderMinimumPeriod = TimeSpan.FromSeconds(1) };
        options.ConfigureSilo?.Invoke(silo);
        var builder = new InProcessTestClusterBuilder((short)options.Silos);
        builder.Options.ServiceId = ServiceId;
        builder.Options.InitializeClientOnDeploy = false;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(options.MinimumLogLevel);
            var services = host.Services;

            // A graceful stop deactivates every grain and commits queued writes; on a loaded 2-core machine that can take
            // longer than the host's default 30 s, and the last service then fails its stop with a cancelled wait.
            services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
            services.AddSingleton<TimeProvider>(Clock);
            services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, Clock);
            foreach (var (assembly, component) in options.MigrationComponents)
            {
                services.AddSingleton(new MigrationSource(assembly, component));
            }

            services.AddSerializer(serializer =>
            {
                foreach (var assembly in options.GrainAssemblies)
                {
                    serializer.AddAssembly(assembly);
                }
            });
            options.ConfigureServices?.Invoke(services);
        });
        builder.ConfigureSilo((_, siloBuilder) =>
        {
            siloBuilder.UseCommandData(storage, silo, clustering: false);

            // Every reminder is held by the silo, however far ahead, so advancing the fake clock by days fires it.
            siloBuilder.Configure<ReminderOptions>(reminders => reminders.ReminderLoadingWindow = TimeSpan.FromDays(3650));
        });
        var started = builder.Build();
        try
        {
            await started.DeployAsync();
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        cluster = started;
    }
}
