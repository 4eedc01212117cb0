using System.Globalization;
using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Command.Grains.Tests.DomainCluster;

namespace Command.Grains.Tests.Cases;

/// <summary>The people of the test tree and a way to open cases without going through intake.</summary>
internal static class CaseFixture
{
    public static readonly UserProfile Duty = new("duty", "县值班员", UserRole.DutyOfficer, "center-150123", County);
    public static readonly UserProfile Leader = new("leader", "县领导", UserRole.Leader, "center-150123", County);
    public static readonly UserProfile Town = new("town", "城关镇综治中心", UserRole.TownshipCenter, "center-150123100", Township);
    public static readonly UserProfile TownPolice = new("town-police", "城关派出所", UserRole.Department, "dept-150123100-police", Township);
    public static readonly UserProfile VillageUser = new("village", "昭君道社区", UserRole.Village, "village-150123100001", Village);
    public static readonly UserProfile Worker1 = new("worker1", "网格员1", UserRole.GridWorker, "village-150123100001", GridA, 1);
    public static readonly UserProfile Stranger = new("other-town", "盛乐镇综治中心", UserRole.TownshipCenter, "center-150123101", "150123101");
    public static readonly UserProfile Admin = new("admin", "管理员", UserRole.Admin, "center-150123", string.Empty);

    public static readonly Assignee VillageUnit = new("village-150123100001", "昭君道社区", RegionLevel.Village);

    private static int sequence;

    public static CaseIntake Intake(string category = "02", Urgency urgency = Urgency.Medium, CaseChannel channel = CaseChannel.WalkIn) =>
        new(channel, category, urgency, "邻居漏水纠纷", "楼上漏水，双方协商未果", Lat: 40.4, Lon: 111.8);

    /// <summary>Opens a case in grid A; with <paramref name="to"/> it is dispatched at once, as auto-dispatch would.</summary>
    public static Task<CaseView> OpenAsync(CommandCluster cluster, Assignee? to = null, CaseIntake? intake = null, string? dispatchedBy = null)
    {
        var code = string.Create(CultureInfo.InvariantCulture, $"150123-20261102-{Interlocked.Increment(ref sequence):D4}");
        var plan = to is null ? null : new DispatchPlan(1, "测试规则", to, dispatchedBy ?? DispatchTargets.DispatcherOf(to, cluster.Services.GetRequiredService<RegionDirectory>()), []);
        return cluster.GrainFactory.GetGrain<ICaseGrain>(code).OpenAsync(new CaseOpening(intake ?? Intake(), Location, plan, "center-150123", Duty));
    }

    public static CaseLocation Location => CaseLocation.Of(GridA, 40.4, 111.8);

    public static ICaseGrain Case(this CommandCluster cluster, string code) => cluster.GrainFactory.GetGrain<ICaseGrain>(code);

    public static Task<CaseView> Act(this CommandCluster cluster, string code, UserProfile actor, CaseAction action, string? note = "说明", string? to = null) =>
        cluster.Case(code).ActAsync(new CaseCommand(action, note, to), actor);

    public static async Task<CaseRefusedException> Refused(Func<Task> act)
    {
        ArgumentNullException.ThrowIfNull(act);
        return await Assert.ThrowsAsync<CaseRefusedException>(act);
    }

    /// <summary>The period of a case's deadline reminder in these tests (<see cref="CaseOptions.DeadlineRetry"/>).</summary>
    public static readonly TimeSpan DeadlineRetry = TimeSpan.FromSeconds(1);

    /// <summary>Waits until a deadline that the fake clock passed has been acted on (within one reminder period).</summary>
    public static Task<CaseView> UntilDue(this CommandCluster cluster, string code, Func<CaseView, bool> done) =>
        cluster.UntilDueAsync(async () => (await cluster.Case(code).GetAsync())!, done, DeadlineRetry, $"case {code}");

    public static async Task<long> CountAsync(this CommandCluster cluster, string sql, params object?[] parameters) =>
        Convert.ToInt64(await cluster.Database.ScalarAsync(sql, parameters), CultureInfo.InvariantCulture);
}
