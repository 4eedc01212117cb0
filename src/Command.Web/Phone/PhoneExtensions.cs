using Command.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Phone;

/// <summary>
/// The grid worker's phone: a PWA of plain files under wwwroot/m (it must start without the network, so it is no Razor
/// page), its long-lived sign-in, and /m as its address.
/// </summary>
public static class PhoneExtensions
{
    /// <summary>The page the phone starts at (also the manifest's start_url; the service worker's scope is /m/).</summary>
    public const string StartPage = "/m/index.html";

    public static IServiceCollection AddPhone(this IServiceCollection services)
    {
        services.AddOptions<PhoneOptions>().BindConfiguration(PhoneOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapPhone(this IEndpointRouteBuilder app)
    {
        app.MapPhoneSession();
        app.MapGet("/m", () => Results.Redirect(StartPage)).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
