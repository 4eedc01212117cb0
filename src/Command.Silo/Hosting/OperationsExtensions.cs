using System.Net;
using Command.Data;
using Command.Web;
using Command.Web.Auth;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace Command.Silo.Hosting;

internal static class OperationsExtensions
{
    public const string DashboardPath = "/orleans";

    public const string MetricsPath = "/metrics";

    /// <summary>Orleans' meter: activations, calls, messaging, storage, reminders.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The Orleans dashboard (grains, silos, calls, reminders) in this web host, for the admin only.</summary>
    public static ISiloBuilder AddCommandOperations(this ISiloBuilder silo) =>
        silo.AddDashboard(o => o.HideTrace = true);

    /// <summary>Our meters, Orleans' and ASP.NET Core's, in Prometheus' text format at /metrics.</summary>
    public static WebApplicationBuilder AddCommandMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(DataMetrics.MeterName, OrleansMeter)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapCommandOperations(this WebApplication app)
    {
        // An operations page, not part of the API contract: kept out of the OpenAPI document.
        app.MapOrleansDashboard(routePrefix: DashboardPath)
            .RequireAuthorization(AuthExtensions.AdminPolicy)
            .AddEndpointFilter(RefuseMalformedSiloAddress)
            .ExcludeFromDescription();

        // A scraper on this machine reads the figures; a request that came through a proxy, or from elsewhere, gets 404.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(MetricsPath) && !FromThisMachine(context),
            refused => refused.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }));
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }

    /// <summary>
    /// The dashboard parses the silo address in its path itself and answers 500 when it is not one; what the admin typed
    /// wrong is a 400 in Chinese instead, and the dashboard is not asked.
    /// </summary>
    private static async ValueTask<object?> RefuseMalformedSiloAddress(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (SiloAddressOf(request) is { } address && !IsSiloAddress(address))
        {
            return Problems.BadRequest("节点地址格式不正确（应如 127.0.0.1:11111@123456789）");
        }

        return await next(context);
    }

    /// <summary>The silo address a dashboard route names: {address} on the silo routes, {path} on HistoricalStats only (elsewhere {path} is a font or an image).</summary>
    private static string? SiloAddressOf(HttpRequest request)
    {
        if (request.RouteValues.TryGetValue("address", out var address))
        {
            return address as string ?? string.Empty;
        }

        var pattern = (request.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? string.Empty;
        return pattern.Contains("HistoricalStats", StringComparison.OrdinalIgnoreCase) && request.RouteValues.TryGetValue("path", out var path)
            ? path as string ?? string.Empty
            : null;
    }

    private static bool IsSiloAddress(string text)
    {
        try
        {
            return SiloAddress.FromParsableString(text) is { Endpoint: not null };
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static bool FromThisMachine(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
        && !context.Request.Headers.ContainsKey("X-Forwarded-For");
}
