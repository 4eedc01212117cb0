using Microsoft.Extensions.DependencyInjection;
using Command.Grains.Cases;
using Command.Grains.Users;
using Command.Testing;
using static Command.Grains.Tests.Cases.CaseFixture;

namespace Command.Grains.Tests.Cases;

/// <summary>Every action refused for the case's state, and for the actor's role or scope; nothing changes.</summary>
public sealed class CaseRefusalTests : IAsyncLifetime
{
    private CommandCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await DomainCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    public static TheoryData<CaseAction> NotWhileUnsigned =>
    [
        CaseAction.Progress, CaseAction.Consult, CaseAction.Extend, CaseAction.ApproveExtension, CaseAction.Resolve, CaseAction.Verify,
        CaseAction.Revisit, CaseAction.Archive, CaseAction.Reject,
    ];

    [Theory]
    [MemberData(nameof(NotWhileUnsigned))]
    public async Task An_unsigned_case_refuses_by_state(CaseAction action)
    {
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        var refused = await Refused(() => cluster.Case(code).ActAsync(Full(action), action is CaseAction.ApproveExtension or CaseAction.Verify or CaseAction.Revisit or CaseAction.Archive or CaseAction.Reject ? Duty : VillageUser));
        Assert.Equal((RefusalKind.State, CaseStatus.Dispatched, action), (refused.Kind, refused.Status, refused.Action));
        Assert.StartsWith($"案件 {code} 当前状态为「待签收」，不能{action.ToChinese()}：", refused.Message, StringComparison.Ordinal);
        await Unchanged(code, 2);
    }

    public static TheoryData<CaseAction, string> NotTheirs => new()
    {
        { CaseAction.Progress, "worker1" }, { CaseAction.Consult, "worker1" }, { CaseAction.Extend, "worker1" }, { CaseAction.Escalate, "worker1" },
        { CaseAction.Return, "worker1" }, { CaseAction.Resolve, "worker1" }, { CaseAction.Dispatch, "worker1" }, { CaseAction.Supervise, "town" },
        { CaseAction.Resolve, "admin" },
    };

    [Theory]
    [MemberData(nameof(NotTheirs))]
    public async Task A_case_in_progress_refuses_the_wrong_role_or_scope(CaseAction action, string who)
    {
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);
        var actor = new[] { Worker1, Town, Stranger, Admin, TownPolice }.Single(a => a.UserName == who);
        var refused = await Refused(() => cluster.Case(code).ActAsync(Full(action), actor));
        Assert.Equal((RefusalKind.Forbidden, action), (refused.Kind, refused.Action));
        await Unchanged(code, 3);
    }

    public static TheoryData<CaseAction, string> OutOfSight => new()
    {
        { CaseAction.Progress, "other-town" }, { CaseAction.Dispatch, "town-police" }, { CaseAction.Supervise, "other-town" },
    };

    [Theory]
    [MemberData(nameof(OutOfSight))]
    public async Task A_case_out_of_sight_refuses_as_a_missing_one(CaseAction action, string who)
    {
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);
        var actor = new[] { Stranger, TownPolice }.Single(a => a.UserName == who);
        var refused = await Refused(() => cluster.Case(code).ActAsync(Full(action), actor));
        var missing = await Refused(() => cluster.Case(code[..^4] + "9999").ActAsync(Full(action), actor));
        Assert.Equal((RefusalKind.NotFound, (CaseStatus?)null, action), (refused.Kind, refused.Status, refused.Action));
        Assert.Equal(missing.Message.Replace(code[..^4] + "9999", code, StringComparison.Ordinal), refused.Message);
        await Unchanged(code, 3);
    }

    [Fact]
    public async Task A_declined_extension_needs_a_reason_and_leaves_the_limit()
    {
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);
        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Extend, "等待鉴定", Extension: TimeSpan.FromDays(3)), VillageUser);
        Assert.Equal(RefusalKind.Invalid, (await Refused(() => cluster.Case(code).ActAsync(new CaseCommand(CaseAction.ApproveExtension, Approve: false), Town))).Kind);
        var declined = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.ApproveExtension, "理由不充分", Approve: false), Town);
        Assert.Equal((TimeSpan.Zero, (ExtensionRequest?)null), (declined.Assignment!.Extension, declined.PendingExtension));
        Assert.False(declined.History[^1].Detail!.Approved);
    }

    /// <summary>The command with every field an action could need, so only state, role or scope can refuse it.</summary>
    private static CaseCommand Full(CaseAction action) => new(
        action, "说明", "dept-150123100-justice", Units: ["dept-150123100-justice"], Extension: TimeSpan.FromDays(1), Approve: true, Pass: true,
        Result: CaseResult.Resolved, Satisfaction: Satisfaction.Satisfied, Level: Supervision.Yellow);

    private async Task Unchanged(string code, int version)
    {
        Assert.Equal(version, (await cluster.Case(code).GetAsync())!.History.Count);
        Assert.Equal((long)version, await cluster.CountAsync("SELECT count(*) FROM case_events WHERE case_code = $1", code));
    }

    [Fact]
    public async Task A_refusal_crossing_between_silos_keeps_its_reason_state_and_kind()
    {
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        var refused = await Refused(() => cluster.Case(code).ActAsync(Full(CaseAction.Resolve), VillageUser));
        var serializer = cluster.Services.GetRequiredService<Orleans.Serialization.Serializer>();

        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(refused));

        var arrived = Assert.IsType<CaseRefusedException>(copy);
        Assert.Equal((refused.Code, refused.Status, refused.Action, refused.Kind, refused.Reason, refused.Message),
            (arrived.Code, arrived.Status, arrived.Action, arrived.Kind, arrived.Reason, arrived.Message));
    }
}
