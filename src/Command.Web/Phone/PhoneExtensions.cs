using Command.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Phone;

/// <summary>
/// The grid worker's phone: a PWA of plain files under wwwroot/m (it must start without the network, so it is no Razor
/// page) served at /m, and its long-lived sign-in.
/// </summary>
public static class PhoneExtensions
{
    /// <summary>Where this project's static files are served (Razor class library assets).</summary>
    private const string AssetRoot = "/_content/Command.Web";

    public static IServiceCollection AddPhone(this IServiceCollection services)
    {
        services.AddOptions<PhoneOptions>().BindConfiguration(PhoneOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTransient<IStartupFilter, PhonePaths>();
        return services;
    }

    public static IEndpointRouteBuilder MapPhone(this IEndpointRouteBuilder app)
    {
        app.MapPhoneSession();
        return app;
    }

    /// <summary>
    /// Serves /m and /m/… from the static assets under /_content/Command.Web/m, ahead of routing: the phone keeps the short
    /// address users type, and its service worker (/m/sw.js) controls exactly /m/.
    /// </summary>
    private sealed class PhonePaths : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                var path = context.Request.Path;
                if (path.Equals("/m", StringComparison.OrdinalIgnoreCase))
                {
                    // Into the service worker's scope (/m/), where the page also starts offline.
                    context.Response.Redirect("/m/" + context.Request.QueryString);
                    return Task.CompletedTask;
                }

                if (path.Equals("/m/", StringComparison.OrdinalIgnoreCase))
                {
                    context.Request.Path = AssetRoot + "/m/index.html";
                }
                else if (path.StartsWithSegments("/m", StringComparison.OrdinalIgnoreCase))
                {
                    context.Request.Path = AssetRoot + path;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
