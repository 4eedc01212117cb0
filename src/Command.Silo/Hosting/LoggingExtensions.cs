using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace Command.Silo.Hosting;

internal static class LoggingExtensions
{
    /// <summary>Serilog as the sink of Microsoft.Extensions.Logging: the console, and a rolling JSON file under
    /// {Storage:DataDirectory}/logs (or Logging:Directory). Levels come from the "Serilog" section.</summary>
    public static WebApplicationBuilder AddCommandLogging(this WebApplicationBuilder builder)
    {
        var directory = builder.Configuration["Logging:Directory"]
            ?? Path.Combine(SiloExtensions.DataDirectory(builder.Configuration, builder.Environment), "logs");
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                formatProvider: CultureInfo.InvariantCulture)
            .WriteTo.File(
                new JsonFormatter(renderMessage: true, formatProvider: CultureInfo.InvariantCulture),
                Path.Combine(directory, "command-.json"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                fileSizeLimitBytes: 64 * 1024 * 1024,
                rollOnFileSizeLimit: true)
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger, dispose: true);
        return builder;
    }

    /// <summary>
    /// One line per HTTP request from Serilog's request logging: errors and slow requests stand out, the rest stays at
    /// Debug. The trackers' position uploads (and the benchmark's no-op twin of them) are left out: they are the busiest
    /// path, the middleware cost them a third of their throughput, and their failures are logged where they happen.
    /// </summary>
    public static WebApplication UseCommandRequestLogging(this WebApplication app)
    {
        app.UseWhen(
            context => !IsDeviceUpload(context.Request.Path),
            logged => logged.UseSerilogRequestLogging(o => o.GetLevel = (context, elapsedMs, error) =>
                error is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : elapsedMs > 1000 ? LogEventLevel.Warning
                : LogEventLevel.Debug));
        return app;
    }

    private static bool IsDeviceUpload(PathString path) =>
        path.StartsWithSegments("/osmand") || path.StartsWithSegments("/api/positions") || path.StartsWithSegments("/noop");
}
