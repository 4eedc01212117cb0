using Command.Grains.Cases;
using Command.Testing;
using static Command.Grains.Tests.Cases.CaseFixture;

namespace Command.Grains.Tests.Cases;

/// <summary>What a console offers each person is what the case would accept from them; and who has it in their inbox.</summary>
public sealed class CaseAllowedTests : IAsyncLifetime
{
    private CommandCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await DomainCluster.StartAsync();

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task An_unsigned_case_offers_its_handler_sign_return_and_escalate_and_the_county_redispatch_and_supervision()
    {
        var code = (await OpenAsync(cluster, VillageUnit)).Code;

        Assert.Equal([CaseAction.Sign, CaseAction.Escalate, CaseAction.Return], await cluster.Case(code).AllowedAsync(VillageUser));
        Assert.Equal([CaseAction.Dispatch, CaseAction.Supervise], await cluster.Case(code).AllowedAsync(Duty));
        Assert.Equal([CaseAction.Dispatch], await cluster.Case(code).AllowedAsync(Town));
        Assert.Empty(await cluster.Case(code).AllowedAsync(Stranger));
        Assert.Empty(await cluster.Case(code).AllowedAsync(Worker1));
    }

    [Fact]
    public async Task Each_offered_action_is_one_the_case_takes_and_the_offer_follows_the_state()
    {
        var code = (await OpenAsync(cluster, VillageUnit)).Code;
        await cluster.Act(code, VillageUser, CaseAction.Sign);
        var handling = await cluster.Case(code).AllowedAsync(VillageUser);
        Assert.Equal([CaseAction.Dispatch, CaseAction.Progress, CaseAction.Consult, CaseAction.Extend, CaseAction.Escalate, CaseAction.Return, CaseAction.Resolve], handling);

        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Extend, "等待鉴定", Extension: TimeSpan.FromDays(2)), VillageUser);
        Assert.DoesNotContain(CaseAction.Extend, await cluster.Case(code).AllowedAsync(VillageUser));
        Assert.Contains(CaseAction.ApproveExtension, await cluster.Case(code).AllowedAsync(Town));

        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Supervise, "挂牌", Level: Supervision.Red), Leader);
        Assert.DoesNotContain(CaseAction.Supervise, await cluster.Case(code).AllowedAsync(Leader));
        Assert.Contains(CaseAction.CancelSupervision, await cluster.Case(code).AllowedAsync(Leader));

        await cluster.Case(code).ActAsync(new CaseCommand(CaseAction.Resolve, "已调解", Result: CaseResult.Resolved), VillageUser);
        Assert.Empty(await cluster.Case(code).AllowedAsync(VillageUser));
        Assert.Contains(CaseAction.Verify, await cluster.Case(code).AllowedAsync(Town));
    }

    [Fact]
    public void The_inbox_names_who_must_act_in_each_state_and_marks_supervision_for_the_county()
    {
        var state = new CaseState
        {
            Code = "150123-20261102-9001", Location = Location, Status = CaseStatus.Accepted, Holder = "center-150123100",
        };
        Assert.Equal([new InboxEntry("center-150123100", InboxBox.Dispatch)], CaseInbox.Of(state));

        state.Status = CaseStatus.Dispatched;
        state.Current = new Assignment { To = VillageUnit, DispatchedBy = "center-150123100" };
        Assert.Equal([new InboxEntry(VillageUnit.Id, InboxBox.Sign)], CaseInbox.Of(state));

        state.Status = CaseStatus.InProgress;
        state.PendingExtension = new ExtensionRequest(TimeSpan.FromDays(1), "等待鉴定", "village", DateTimeOffset.UnixEpoch);
        state.Supervision = Supervision.Yellow;
        Assert.Equal(
            [new InboxEntry(VillageUnit.Id, InboxBox.Handle), new InboxEntry("center-150123100", InboxBox.Verify), new InboxEntry("center-150123", InboxBox.Supervise)],
            CaseInbox.Of(state));

        var before = CaseInbox.Of(state);
        state.Status = CaseStatus.Closed;
        state.PendingExtension = null;
        Assert.Equal([new InboxEntry("center-150123100", InboxBox.Revisit)], CaseInbox.Of(state));
        Assert.Equal([VillageUnit.Id, "center-150123"], CaseInbox.Left(before, CaseInbox.Of(state)));

        state.Status = CaseStatus.Archived;
        Assert.Empty(CaseInbox.Of(state));
    }
}
