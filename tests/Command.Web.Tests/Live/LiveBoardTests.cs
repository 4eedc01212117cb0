using Command.Grains.Cases;
using Command.Grains.Live;
using Command.Grains.Regions;
using Command.Grains.Warnings;
using Command.Grains.Workers;
using Command.Web.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests.Live;

/// <summary>The board every snapshot is cut from: newer wins, removals stick, and the start-up seed never overrides.</summary>
public sealed class LiveBoardTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private const string Grid = "150123100001001";

    [Fact]
    public void An_older_or_unchanged_worker_mark_is_not_news()
    {
        var board = NewBoard();
        Assert.True(board.Put(Mark(2_000, 40.1), out _));
        Assert.False(board.Put(Mark(1_000, 40.2), out _));
        Assert.False(board.Put(Mark(3_000, 40.1), out _));
        Assert.True(board.Put(Mark(3_000, 40.3), out var item));
        Assert.Equal(40.3, item.Lat);
        Assert.Equal(40.3, Assert.Single(board.Inside("150123").Workers).Lat);
        Assert.Empty(board.Inside("150123101").Workers);
    }

    [Fact]
    public void A_closed_case_and_a_cleared_warning_stay_gone_whatever_the_start_up_seed_read()
    {
        var board = NewBoard();
        Assert.True(board.Put(Case(3, open: true)));
        Assert.False(board.Put(Case(2, open: true)));
        Assert.True(board.Put(Case(4, open: false)));
        var raised = board.Put(Warning(active: true));
        var cleared = board.Put(Warning(active: false));
        Assert.True(cleared.V > raised.V);

        board.Seed([Case(3, open: true)], [Warning(active: true)]);

        var (_, cases, warnings) = board.Inside("150123");
        Assert.Empty(cases);
        Assert.Empty(warnings);
    }

    [Fact]
    public void A_warning_keeps_when_it_was_raised_and_who_acknowledged_it_when_its_level_changes()
    {
        var board = NewBoard();
        board.Put(Case(1, open: true));
        var first = board.Put(Warning(active: true, raisedAt: 1_000));
        Assert.Equal(40.5, first.Lat); // drawn where its case is
        Assert.NotNull(board.Acknowledge(first.Id, "duty"));
        Assert.Null(board.Acknowledge(first.Id, "leader"));

        var red = board.Put(Warning(active: true, raisedAt: 9_000) with { Level = 2 });
        Assert.Equal(1_000, red.RaisedAt);
        Assert.Equal("duty", red.AckedBy);
        Assert.Equal(2, Assert.Single(board.Inside("150123").Warnings).Level);
    }

    private LiveBoard NewBoard() => new(silo.Factory.Services.GetRequiredService<RegionDirectory>());

    private static WorkerMark Mark(long version, double lat) => new(7, Grid, lat, 111.5, WorkerStatus.OnDuty, version, version);

    private static CaseCard Case(long version, bool open) => new(
        "150123-20261121-0001", "噪音", "02", "邻里纠纷", Urgency.Medium, "中", open ? CaseStatus.Dispatched : CaseStatus.Closed, "待签收",
        RiskColor.Green, Supervision.None, false, 40.5, 111.5, Grid, "城关镇综治中心", null, null, 0, open, version);

    private static WarningCard Warning(bool active, long raisedAt = 1_000) => active
        ? WarningCard.Raised("w-1", WarningKind.Unsigned, WarningLevel.Yellow, Grid, "150123-20261121-0001", null, "未签收", DateTimeOffset.FromUnixTimeMilliseconds(raisedAt))
        : WarningCard.Cleared("w-1", WarningKind.Unsigned, Grid, DateTimeOffset.FromUnixTimeMilliseconds(raisedAt));
}
