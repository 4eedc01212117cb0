using Command.Web.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Components.Console;

public static class ConsoleExtensions
{
    /// <summary>The console (工作台): its live inbox (router, snapshots, hub) and the dispatch form's choices.</summary>
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddInbox();
        services.AddSingleton<ConsoleTargets>();
        return services;
    }
}
