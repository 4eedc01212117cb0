using Command.Grains.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Live;

public static class InboxExtensions
{
    public const string HubPath = "/hubs/inbox";

    /// <summary>
    /// The inbox router (fed by the dashboard bridge's case cards), its snapshots and hub, and the order push (which relays each
    /// changed order to the other silos over the silo mesh).
    /// </summary>
    public static IServiceCollection AddInbox(this IServiceCollection services)
    {
        services.AddSingleton<InboxRouter>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxRouter>());
        services.AddSingleton<InboxSnapshots>();
        services.AddSingleton<OrderPush>();
        services.AddSingleton<Command.Grains.Orders.IOrderFeed>(sp => sp.GetRequiredService<OrderPush>());
        services.AddSiloMesh();
        services.AddSingleton<IMeshHandler>(sp => sp.GetRequiredService<OrderPush>());
        return services;
    }

    public static WebApplication MapInbox(this WebApplication app)
    {
        app.MapHub<InboxHub>(HubPath, DashboardExtensions.LiveTransports).RequireAuthorization();
        return app;
    }
}
