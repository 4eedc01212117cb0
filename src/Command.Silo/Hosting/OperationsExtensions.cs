using Command.Web.Auth;
using Orleans.Dashboard;

namespace Command.Silo.Hosting;

internal static class OperationsExtensions
{
    public const string DashboardPath = "/orleans";

    /// <summary>The Orleans dashboard (grains, silos, calls, reminders) in this web host, for the admin only.</summary>
    public static ISiloBuilder AddCommandOperations(this ISiloBuilder silo) =>
        silo.AddDashboard(o => o.HideTrace = true);

    public static WebApplication MapCommandOperations(this WebApplication app)
    {
        app.MapOrleansDashboard(routePrefix: DashboardPath).RequireAuthorization(AuthExtensions.AdminPolicy);
        return app;
    }
}
