using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Data.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Command.Silo.Hosting;

internal static class HealthExtensions
{
    /// <summary>/healthz: 200 when the silo runs and its database answers, 503 otherwise. Anonymous, says nothing secret.</summary>
    public static WebApplication MapCommandHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz");
        return app;
    }

    public static IServiceCollection AddCommandHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo");
        return services;
    }

    private sealed class SiloHealthCheck(ISiloHealth silo) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!silo.Running)
            {
                return HealthCheckResult.Unhealthy("the silo is not active");
            }

            try
            {
                await silo.PingStorageAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("storage does not answer", e);
            }
        }
    }
}
