using Command.Grains.Audit;
using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Grains.Dispatch;
using Command.Grains.Users;
using Command.Grains.Warnings;
using Command.Grains.Workers;

namespace Command.Silo.Hosting;

internal static class DomainExtensions
{
    /// <summary>The domain's services: the region directory, the position log, accounts, start-up data.</summary>
    public static WebApplicationBuilder AddCommandDomain(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PositionOptions>().Bind(builder.Configuration.GetSection(PositionOptions.Section)).ValidateDataAnnotations()
            .Validate(p => p.MaxBatch <= p.MaxPending, "Positions:MaxBatch must not exceed Positions:MaxPending (a batch that large could never be taken).")
            .Validate(p => p.OfflineAfter > TimeSpan.Zero && p.PatrolWindow > TimeSpan.Zero && p.OnlineGap > TimeSpan.Zero, "Positions:OfflineAfter, PatrolWindow and OnlineGap must be positive.")
            .ValidateOnStart();
        services.AddOptions<UserOptions>().Bind(builder.Configuration.GetSection(UserOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.Section))
            .PostConfigure(demo => demo.Enabled ??= builder.Environment.IsDevelopment());
        services.AddSingleton<RegionDirectory>();
        services.AddSingleton<DispatchRules>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<RegionStore>();
        services.AddCaseServices();
        services.AddOptions<CaseOptions>().Bind(builder.Configuration.GetSection(CaseOptions.Section)).ValidateOnStart();
        services.AddOptions<CalendarOptions>().Bind(builder.Configuration.GetSection(CalendarOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CaseIntakeService>();
        services.AddSingleton<CaseQueries>();
        services.AddSingleton<CaseStatistics>();
        services.AddSingleton<WarningStore>();

        // Started in this order after the silo, stopped in reverse: positions flush before the silo stops.
        services.AddHostedService<StartupData>();
        services.AddSingleton<PositionLog>();
        services.AddHostedService(sp => sp.GetRequiredService<PositionLog>());
        return builder;
    }
}

/// <summary>Demo mode (section "Demo"): the demo county with its accounts, all with the password "demo".</summary>
internal sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Default: on in the Development environment (the README's run command), off elsewhere.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The county imported and seeded with accounts.</summary>
    public string County { get; set; } = "150123";
}
