using Command.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Command.Grains.Calls;

public static class CallServices
{
    /// <summary>The calls table (migrated with the silo) and its store; the host binds <see cref="CallOptions"/>.</summary>
    public static IServiceCollection AddCalls(this IServiceCollection services)
    {
        services.AddSingleton(new MigrationSource(GrainsAssembly.Assembly, CallStore.MigrationComponent));
        services.AddSingleton<CallStore>();
        services.TryAddSingleton<ICallFeed, NoCallFeed>();
        return services;
    }
}
