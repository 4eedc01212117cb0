using Command.Grains.Live;
using Command.Web.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Video;

public static class CallExtensions
{
    public const string HubPath = "/hubs/video";

    /// <summary>
    /// The signalling hub of live calls, with the live hubs' session check before every call. Its sends reach connections on
    /// every silo (the caller and the callee may be on two): its lifetime manager relays them over the silo mesh.
    /// </summary>
    public static IServiceCollection AddVideoCalls(this IServiceCollection services)
    {
        services.AddSignalR().AddHubOptions<VideoHub>(o => o.AddFilter<LiveSessions>());
        services.AddSiloMesh();
        services.AddSingleton<ClusterHubLifetimeManager<VideoHub>>();
        services.AddSingleton<HubLifetimeManager<VideoHub>>(sp => sp.GetRequiredService<ClusterHubLifetimeManager<VideoHub>>());
        services.AddSingleton<IMeshHandler>(sp => sp.GetRequiredService<ClusterHubLifetimeManager<VideoHub>>());
        services.AddSingleton<CallTargets>();
        services.AddSingleton<Command.Grains.Calls.ICallFeed, CallPush>();
        services.AddSingleton<ConferenceRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<ConferenceRelay>());
        return services;
    }

    public static WebApplication MapVideoCalls(this WebApplication app)
    {
        app.MapHub<VideoHub>(HubPath, DashboardExtensions.LiveTransports).RequireAuthorization();
        return app;
    }
}
