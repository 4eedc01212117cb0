using System.Reflection;
using Command.Runtime.Core;
using Command.Runtime.Diagnostics;
using Command.Runtime.Reminders;
using Command.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Command.Runtime.Hosting;

/// <summary>What the host tells the runtime: which assemblies hold grains and migrations, and extra storage names.</summary>
public sealed class RuntimeBuilder
{
    internal RuntimeBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }

    internal HashSet<Assembly> GrainAssemblies { get; } = [];

    /// <summary>Adds every grain class in the assembly.</summary>
    public RuntimeBuilder AddGrains(Assembly assembly)
    {
        GrainAssemblies.Add(assembly);
        return this;
    }

    /// <summary>Adds the assembly's embedded migration scripts of one component (migrations/{component}/{provider}/NNNN_name.sql).</summary>
    public RuntimeBuilder AddMigrations(Assembly assembly, string component)
    {
        Services.AddSingleton(new MigrationSource(assembly, component));
        return this;
    }

    /// <summary>Makes another storage name resolve to the silo's database, for [PersistentState(name, storageName)].</summary>
    public RuntimeBuilder AddGrainStorage(string storageName)
    {
        Services.AddKeyedSingleton<IGrainStorage>(storageName, static (sp, _) => sp.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default));
        return this;
    }

    public RuntimeBuilder AddStateMigration<TMigration>()
        where TMigration : class, IStateMigration
    {
        Services.AddSingleton<IStateMigration, TMigration>();
        return this;
    }
}

public static class RuntimeServiceCollectionExtensions
{
    /// <summary>Adds the grain runtime (the silo) as a hosted service. Bind <see cref="SiloOptions"/> and <see cref="StorageOptions"/> to configure it.</summary>
    public static IServiceCollection AddCommandRuntime(this IServiceCollection services, Action<RuntimeBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new RuntimeBuilder(services);
        configure(builder);

        services.AddOptions<SiloOptions>().ValidateOnStart();
        services.AddOptions<StorageOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<RuntimeMetrics>();
        services.AddSingleton(_ => new GrainTypeRegistry(builder.GrainAssemblies));
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddSingleton(CreateDatabase);
        services.AddSingleton<StateSerializer>();
        services.AddKeyedSingleton<IGrainStorage>(
            StorageNames.Default,
            static (sp, _) => new AdoNetGrainStorage(
                sp.GetRequiredService<Database>(),
                sp.GetRequiredService<StateSerializer>(),
                sp.GetRequiredService<RuntimeMetrics>(),
                sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new MigrationSource(typeof(GrainRuntime).Assembly, "runtime"));
        services.AddSingleton<ReminderService>();
        services.AddSingleton<Silo>();
        services.AddSingleton<ISiloHealth>(sp => sp.GetRequiredService<Silo>());
        services.AddHostedService(sp => sp.GetRequiredService<Silo>());
        return services;
    }

    private static Database CreateDatabase(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var metrics = services.GetRequiredService<RuntimeMetrics>();
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
}
