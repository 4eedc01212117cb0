using System.Net;
using System.Net.Sockets;
using Command.Data.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Command.Data.Hosting;

public static class DataSiloBuilderExtensions
{
    /// <summary>Orleans' ADO.NET providers find PostgreSQL under this invariant name.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Puts the silo on the configured database: on PostgreSQL, Orleans' ADO.NET membership, grain storage and
    /// reminders over our schema; on SQLite, one silo on loopback with our own grain storage and reminder table in the
    /// same file. Either way the domain's tables share the database, migrated before the runtime starts.
    /// <paramref name="clustering"/> false leaves membership and endpoints to the caller (Orleans' test cluster).
    /// </summary>
    public static ISiloBuilder UseCommandData(this ISiloBuilder silo, StorageOptions storage, NodeOptions options, bool clustering = true)
    {
        ArgumentNullException.ThrowIfNull(silo);
        Validate(new StorageOptionsValidator().Validate(null, storage), StorageOptions.SectionName);
        Validate(new NodeOptionsValidator().Validate(null, options), NodeOptions.SectionName);

        var services = silo.Services;
        services.AddSingleton(Options.Create(storage));
        services.AddSingleton(Options.Create(options));
        services.AddSingleton<DataMetrics>();
        services.AddSingleton(CreateDatabase);
        services.AddSingleton(new MigrationSource(typeof(Database).Assembly, "runtime"));
        services.AddSingleton<DatabaseLifecycle>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DatabaseLifecycle>());
        services.AddSingleton<SiloHealth>();
        services.AddSingleton<ISiloHealth>(sp => sp.GetRequiredService<SiloHealth>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloHealth>());

        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        silo.Configure<GrainCollectionOptions>(collection => collection.CollectionAge = options.CollectionAge);
        silo.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = options.ResponseTimeout);
        silo.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = options.ReminderMinimumPeriod);
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = options.ProbeTimeout;
            membership.NumMissedProbesLimit = options.MissedProbesLimit;
        });

        // On PostgreSQL a silo restarted after a crash must come back on its own endpoint, which supersedes the dead
        // entry at once; on another port it would wait until the cluster declares the old one dead.
        var siloPort = options.SiloPort != 0 || !clustering ? options.SiloPort
            : storage.Provider == StorageProvider.Postgres ? NodeOptions.DefaultClusterPort
            : FreePort();
        if (storage.Provider == StorageProvider.Postgres)
        {
            var orleansConnection = OrleansConnectionString(storage.ConnectionString!);
            if (clustering)
            {
                silo.AddOutgoingGrainCallFilter<FailoverRetry>();
                silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), siloPort, options.GatewayPort, listenOnAnyHostAddress: false);
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = PostgresInvariant;
                    o.ConnectionString = orleansConnection;
                });
            }

            // Grain state as JSON text, readable in the database, rather than Orleans' default Newtonsoft payload.
            silo.UseSystemTextJsonGrainStorageSerializer();
            services.Configure<SystemTextJsonGrainStorageSerializerOptions>(json => StateJson.Apply(json.JsonSerializerOptions));
            silo.AddAdoNetGrainStorageAsDefault(o =>
            {
                o.Invariant = PostgresInvariant;
                o.ConnectionString = orleansConnection;
            });
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, PostgresCarryOver>();
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = PostgresInvariant;
                o.ConnectionString = ReminderConnectionString(storage.ConnectionString!);
            });
        }
        else
        {
            if (clustering)
            {
                silo.UseLocalhostClustering(siloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }

            services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, static (sp, name) => ActivatorUtilities.CreateInstance<SqliteGrainStorage>(sp, name));
            silo.AddReminders();
            services.AddSingleton<IReminderTable, SqliteReminderTable>();
        }

        return silo;
    }

    /// <summary>
    /// Orleans' providers open their own pools beside ours (grain state and membership share one, reminders have another).
    /// Npgsql's default of 100 connections each would exhaust a PostgreSQL server's default 100 slots when many grains
    /// activate at once, so theirs are capped unless the setting names a size: 16 here and <see cref="ReminderPool"/> for
    /// reminders, beside our 16 + <see cref="StorageOptions.Writers"/>, about 44 per silo, so two silos fit the default
    /// max_connections (three or more need it raised; infra/README.md says how).
    /// </summary>
    private static string OrleansConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        PostgresDatabase.CapPool(builder, 16);
        return builder.ConnectionString;
    }

    /// <summary>Reminder writes are small, not awaited by the command that arms them, and do not wait for the WAL flush.</summary>
    private const int ReminderPool = 8;

    /// <summary>
    /// Reminders are the trigger, not the record: a case's next deadline commits with the case and the sweep wakes any case
    /// whose reminder was lost. So reminder writes, on a pool of their own, do not wait for the WAL flush (a crash may lose
    /// the last few hundred milliseconds of them); each case action then waits for one flush, not two.
    /// </summary>
    private static string ReminderConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        PostgresDatabase.CapPool(builder, ReminderPool);

        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c synchronous_commit=off" : builder.Options + " -c synchronous_commit=off";
        return builder.ConnectionString;
    }

    private static void Validate(ValidateOptionsResult result, string section)
    {
        if (result.Failed)
        {
            throw new OptionsValidationException(section, typeof(StorageOptions), result.Failures);
        }
    }

    private static Database CreateDatabase(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var metrics = services.GetRequiredService<DataMetrics>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger<Database>();
        if (options.Provider == StorageProvider.Postgres)
        {
            return new PostgresDatabase(options.ConnectionString!, options.Writers, options.MaxBatch, metrics, log);
        }

        if (options.ConnectionString is null)
        {
            Directory.CreateDirectory(options.DataDirectory);
        }

        return new SqliteDatabase(options.SqliteConnectionString, options.MaxBatch, metrics, log);
    }

    /// <summary>A free TCP port on this machine, for a silo whose port nobody needs to know in advance.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
