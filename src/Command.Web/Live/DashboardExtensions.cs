using Command.Grains.Live;
using Command.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Live;

public static class DashboardExtensions
{
    public const string HubPath = "/hubs/dashboard";

    /// <summary>
    /// SignalR with the JSON protocol (snake_case enum names, Chinese as text), and the bridge the grains publish into: this
    /// silo's screens, and through the cluster feed every other silo's.
    /// </summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSignalR(o => o.EnableDetailedErrors = false)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.UseCommandJson())
            .AddHubOptions<DashboardHub>(o => o.AddFilter<LiveSessions>())
            .AddHubOptions<InboxHub>(o => o.AddFilter<LiveSessions>());

        // Only the live hubs: Blazor's circuits are re-checked by SessionRevalidator.
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LiveSessions>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveSessions>());
        services.AddSingleton<DashboardBridge>();
        services.AddSingleton<IWorkerBoard>(sp => sp.GetRequiredService<DashboardBridge>());
        services.AddHostedService(sp => sp.GetRequiredService<DashboardBridge>());
        services.AddClusterFeed<DashboardBridge>();
        return services;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapHub<DashboardHub>(HubPath, LiveTransports).RequireAuthorization();
        return app;
    }

    /// <summary>How the live hubs (screens, inboxes) connect: WebSockets or long polling, and a stuck socket dropped.</summary>
    internal static void LiveTransports(HttpConnectionDispatcherOptions o)
    {
        o.Transports = HttpTransportType.WebSockets | HttpTransportType.LongPolling;

        // A client whose socket takes no data for this long is dropped (it reconnects to a fresh snapshot).
        o.TransportSendTimeout = TimeSpan.FromSeconds(5);
    }
}
