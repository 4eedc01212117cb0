using System.Text.Encodings.Web;
using System.Text.Unicode;
using Command.Web.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Hosting;

public static class WebExtensions
{
    /// <summary>Adds server-rendered pages (static SSR; no interactive Blazor runtime).</summary>
    public static IServiceCollection AddCommandWeb(this IServiceCollection services)
    {
        services.AddRazorComponents();

        // Chinese text goes out as text, not as numeric character references.
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return services;
    }

    public static WebApplication MapCommandWeb(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapRazorComponents<App>();
        return app;
    }
}
