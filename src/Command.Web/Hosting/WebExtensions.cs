using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Command.Grains.Regions;
using Command.Web.Api;
using Command.Web.Auth;
using Command.Web.Components;
using Command.Web.Components.Console;
using Command.Web.Live;
using Command.Web.Phone;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Hosting;

public static class WebExtensions
{
    /// <summary>
    /// Adds the pages (static SSR by default; forms and lists that want it opt into interactive Blazor Server, whose circuit
    /// is one more SignalR connection), sign-in, problem details and OpenAPI.
    /// </summary>
    public static IServiceCollection AddCommandWeb(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCommandAuth();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, SessionRevalidator>();
        services.AddScoped<CircuitSession>();
        services.AddScoped<Command.Web.Components.Admin.AdminAccess>();
        services.AddProblemDetails();
        services.AddExceptionHandler<StorageProblems>();
        services.AddCommandOpenApi();
        services.AddDashboard();
        services.AddPhone();
        services.AddConsole();

        // Chinese text goes out as text, not as numeric character references.
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.UseCommandJson());
        return services;
    }

    /// <summary>The API's and the hub's JSON: Chinese as text, enums by their snake_case names.</summary>
    internal static void UseCommandJson(this JsonSerializerOptions options)
    {
        options.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    public static WebApplication MapCommandWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusPages.WriteAsync);   // a Chinese page for a browser, Chinese problem details for the rest
        app.Use(WaitForDirectory);
        app.Use(CrossSiteGuard.Check);
        app.UseAuthentication();
        app.Use(SessionCheck.Check);
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapCommandOpenApi();
        app.MapCommandAuth();
        app.MapOsmAnd();
        app.MapPhone();
        app.MapGroup("/api")
            .RequireAuthorization()
            .MapRegionsApi()
            .MapDispatchRulesApi()
            .MapUsersApi()
            .MapCategoriesApi()
            .MapGridsApi()
            .MapWorkersApi()
            .MapUnitsApi()
            .MapPositionsApi()
            .MapCasesApi()
            .MapAttachmentsApi()
            .MapMeApi()
            .MapStatsApi()
            .MapWarningsApi()
            .MapPeopleApi();
        app.MapStaticAssets();
        app.MapDashboard();
        app.MapInbox();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        if (app.Configuration.GetValue<bool>("Diagnostics:NoopEndpoint"))
        {
            // For the positions benchmark: the same pipeline as /osmand, with nothing behind it.
            app.MapGet("/noop", () => Results.Ok()).AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>Until the region tree is loaded at start, the API answers 503 instead of guessing.</summary>
    private static Task WaitForDirectory(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        if ((path.StartsWithSegments("/api") || path.StartsWithSegments("/osmand"))
            && !context.RequestServices.GetRequiredService<RegionDirectory>().IsLoaded)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            return Task.CompletedTask;
        }

        return next(context);
    }
}
