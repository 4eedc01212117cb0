using Command.Data;
using Command.Data.Hosting;
using Microsoft.Extensions.Options;
using Command.Grains;
using Command.Grains.Attachments;
using Command.Grains.Audit;
using Command.Grains.Calls;
using Command.Grains.Cases;
using Command.Grains.Live;
using Command.Grains.Orders;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Grains.Warnings;
using Command.Grains.Workers;
using Command.Silo.Demo;

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
            .PostConfigure(demo =>
            {
                demo.Enabled ??= builder.Environment.IsDevelopment();
                demo.Simulate ??= builder.Environment.IsDevelopment();
            })
            .Validate(demo => demo.CaseEvery > TimeSpan.Zero && demo.PatrolEvery > TimeSpan.Zero && demo.PatrolShare is >= 0 and <= 1 && demo.OpeningCases is >= 0 and <= 100,
                "Demo:CaseEvery and Demo:PatrolEvery must be positive, Demo:PatrolShare between 0 and 1 and Demo:OpeningCases between 0 and 100.")
            .ValidateOnStart();
        // The domain's tables, migrated with the silo's own before the runtime starts.
        services.AddSingleton(new MigrationSource(GrainsAssembly.Assembly, GrainsAssembly.MigrationComponent));
        services.AddSingleton(new MigrationSource(GrainsAssembly.Assembly, AttachmentStore.MigrationComponent));
        services.AddCalls();
        services.AddOptions<CallOptions>().Bind(builder.Configuration.GetSection(CallOptions.Section)).ValidateDataAnnotations()
            .Validate<IOptions<NodeOptions>>(
                (calls, node) => calls.ReminderPeriod >= node.Value.ReminderMinimumPeriod,
                "Calls:ReminderPeriod must not be shorter than Silo:ReminderMinimumPeriod (Orleans refuses the reminder, and every call would fail).")
            .ValidateOnStart();
        services.AddSingleton(new MigrationSource(GrainsAssembly.Assembly, OrderStore.MigrationComponent));
        services.AddOrderServices();
        services.AddOptions<OrderOptions>().Bind(builder.Configuration.GetSection(OrderOptions.Section)).ValidateDataAnnotations()
            .Validate<IOptions<NodeOptions>>(
                (orders, node) => orders.ReminderRetry >= node.Value.ReminderMinimumPeriod && orders.SignWithin > TimeSpan.Zero && orders.FeedbackWithin > TimeSpan.Zero,
                "Orders:ReminderRetry must not be shorter than Silo:ReminderMinimumPeriod, and Orders:SignWithin and FeedbackWithin must be positive.")
            .ValidateOnStart();
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton<RegionDirectory>();
        services.AddSingleton<DispatchRules>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<RegionStore>();
        services.AddCaseServices();
        services.AddOptions<CaseOptions>().Bind(builder.Configuration.GetSection(CaseOptions.Section))
            .Validate<IOptions<NodeOptions>>(
                (cases, node) => cases.DeadlineRetry >= node.Value.ReminderMinimumPeriod,
                "Cases:DeadlineRetry must not be shorter than Silo:ReminderMinimumPeriod (a case's deadline reminder repeats at that period).")
            .ValidateOnStart();
        services.AddOptions<CalendarOptions>().Bind(builder.Configuration.GetSection(CalendarOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CaseIntakeService>();
        services.AddSingleton<CaseQueries>();
        services.AddSingleton<CaseInboxQueries>();
        services.AddSingleton<CaseStatistics>();
        services.AddSingleton<WarningStore>();
        services.AddSingleton<LiveSeed>();
        services.AddCountingWake();

        // Started in this order after the silo, stopped in reverse: positions flush before the silo stops, and the demo
        // activity starts once the data is loaded and stops before the position log closes.
        services.AddHostedService<StartupData>();
        services.AddSingleton<PositionLog>();
        services.AddHostedService(sp => sp.GetRequiredService<PositionLog>());
        services.AddHostedService<DemoActivity>();
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

    /// <summary>
    /// Makes the demo county live (<see cref="Demo.DemoActivity"/>): workers patrol, cases arrive and units handle them.
    /// Default: on in the Development environment. Runs only in demo mode.
    /// </summary>
    public bool? Simulate { get; set; }

    /// <summary>How often a new case arrives, on average.</summary>
    public TimeSpan CaseEvery { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often each patrolling worker's phone reports a position.</summary>
    public TimeSpan PatrolEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cases opened at once when the demo starts with none open (so the first screen is not empty).</summary>
    public int OpeningCases { get; set; } = 5;

    /// <summary>The share of full-time grid workers out on patrol (always the same ones).</summary>
    public double PatrolShare { get; set; } = 0.6;
}
