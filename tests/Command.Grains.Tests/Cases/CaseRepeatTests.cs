using Command.Grains.Cases;
using Command.Testing;
using static Command.Grains.Tests.Cases.CaseFixture;

namespace Command.Grains.Tests.Cases;

/// <summary>
/// A command sent again with its request id (by a client that lost the answer, or by the cluster when the silo it went to
/// died mid-call) is answered with the case as it is and leaves one step, also after the case was loaded again from storage.
/// </summary>
public sealed class CaseRepeatTests : IAsyncLifetime
{
    private CommandCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await DomainCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task The_same_request_sent_twice_makes_one_step_even_after_the_case_is_loaded_again()
    {
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);
        var note = new CaseCommand(CaseAction.Progress, "已上门了解情况", RequestId: "req-1");

        var first = await cluster.Case(code).ActAsync(note, VillageUser);
        var again = await cluster.Case(code).ActAsync(note, VillageUser);
        await cluster.DeactivateAsync(cluster.Case(code));
        var afterReload = await cluster.Case(code).ActAsync(note, VillageUser);

        Assert.Equal(4, first.History.Count);
        Assert.Equal(first.History.Count, again.History.Count);
        Assert.Equal(first.History.Count, afterReload.History.Count);
        Assert.Equal(1L, await cluster.CountAsync("SELECT count(*) FROM case_events WHERE case_code = $1 AND note = '已上门了解情况'", code));
    }

    [Fact]
    public async Task Only_the_same_person_repeats_a_request_and_a_request_without_an_id_is_applied_each_time()
    {
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);

        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Progress, "一", RequestId: "shared"), VillageUser);
        var other = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Supervise, "关注", Level: Supervision.Normal, RequestId: "shared"), Leader);
        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Progress, "二"), VillageUser);
        var plain = await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Progress, "二"), VillageUser);

        Assert.Equal(Supervision.Normal, other.Supervision);
        Assert.Equal(["一", "二", "二"], plain.History.Where(e => e.Action == CaseAction.Progress).Select(e => e.Note));
    }

    [Fact]
    public async Task A_repeat_of_the_step_that_archived_a_case_is_answered_not_refused()
    {
        var code = (await OpenAsync(cluster)).Code;
        await cluster.Act(code, Duty, CaseAction.Reject, note: "不属于受理范围");
        var archive = new CaseCommand(CaseAction.Archive, "归档", RequestId: "archive-1");
        var archived = await cluster.Case(code).ActAsync(archive, Duty);

        var again = await cluster.Case(code).ActAsync(archive, Duty);

        Assert.Equal((CaseStatus.Archived, archived.History.Count), (again.Status, again.History.Count));
        Assert.Equal(RefusalKind.State, (await Refused(() => cluster.Case(code).ActAsync(archive with { RequestId = "archive-2" }, Duty))).Kind);
    }
}
