using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Command.Grains.Orders;

public static class OrderServices
{
    /// <summary>Dispatch orders' services; options are bound by the host (section "Orders"); the web layer brings its feed.</summary>
    public static IServiceCollection AddOrderServices(this IServiceCollection services)
    {
        services.AddOptions<OrderOptions>();
        services.AddSingleton<OrderStore>();
        services.TryAddSingleton<IOrderFeed, NoOrderFeed>();
        return services;
    }
}
