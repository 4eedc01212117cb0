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
using Command.Web.Video;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Hosting;

public static class WebExtensions
{
    private const int MaxRouteValue = 200;

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
        services.AddExceptionHandler<BadRequests>();

        // A value the framework cannot bind throws in every environment (not only Development), so BadRequests answers it alike.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddCommandOpenApi();
        services.AddDashboard();
        services.AddPhone();
        services.AddConsole();
        services.AddVideo();
        services.AddVideoCalls();

        // Chinese text goes out as text, not as numeric character references.
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.UseCommandJson());
        return services;
    }

    /// <summary>The API's and the hub's JSON: Chinese as text, enums by their snake_case names, a key given twice (in any case) refused.</summary>
    internal static void UseCommandJson(this JsonSerializerOptions options)
    {
        options.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        options.AllowDuplicateProperties = false;
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
        app.Use(BodyLimits.Check);
        app.UseAntiforgery();

        app.MapCommandOpenApi();
        app.MapCommandAuth();
        app.MapOsmAnd();
        app.MapPhone();
        app.MapGroup("/api")
            .RequireAuthorization()
            .AddEndpointFilter(PlainRouteValues)
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
            .MapOrdersApi()
            .MapCallsApi()
            .MapPeopleApi()
            .MapIceServersApi();
        app.MapStaticAssets();
        app.MapDashboard();
        app.MapInbox();
        app.MapVideoCalls();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        if (app.Configuration.GetValue<bool>("Diagnostics:NoopEndpoint"))
        {
            // For the positions benchmark: the same pipeline as /osmand, with nothing behind it.
            app.MapGet("/noop", () => Results.Ok()).AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>
    /// A value in the path (a code, a user name, an id) is one short line: one that is not answers 400 before any handler
    /// looks it up, so a line break or a NUL never reaches a grain key or a query.
    /// </summary>
    private static ValueTask<object?> PlainRouteValues(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var (name, value) in context.HttpContext.Request.RouteValues)
        {
            if (value is string text && !TextRules.IsLine(text, MaxRouteValue))
            {
                return ValueTask.FromResult<object?>(Problems.BadRequest($"地址中的 {name} 不能超过 {MaxRouteValue} 个字符，也不能包含控制字符"));
            }
        }

        return next(context);
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
