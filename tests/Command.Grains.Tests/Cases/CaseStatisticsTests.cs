using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Data;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Grains.Tests.Cases;

/// <summary>
/// The figures of a hand-made month of cases, counted by hand. Ten cases of 城关镇 count (A1–A10); a rejected one, one
/// a minute before the month, one at the first instant of the next month and one in another township do not.
/// </summary>
public abstract class CaseStatisticsTests(StorageProvider provider)
{
    private const string OtherGrid = "150123101001001";

    private static readonly DateTimeOffset From = ChinaDate.StartOf(new DateOnly(2024, 3, 1));
    private static readonly DateTimeOffset To = ChinaDate.StartOf(new DateOnly(2024, 4, 1));

    private static readonly CaseRow[] Rows =
    [
        // In 城关镇 and in March: closed or archived ones first.
        new("A1", DomainCluster.GridA, "02", "closed", Overdue: false, "resolved", 4, "satisfied", From),
        new("A2", DomainCluster.GridA, "02", "closed", Overdue: true, "resolved", 3, "basic", From.AddDays(3)),
        new("A3", DomainCluster.GridA, "01", "archived", Overdue: false, "resolved", 2, "unsatisfied", From.AddDays(4)),
        new("A4", DomainCluster.GridB, "01", "closed", Overdue: false, "not_resolved", null, null, From.AddDays(5)),
        new("A5", DomainCluster.GridB, "02", "in_progress", Overdue: false, null, null, null, From.AddDays(6)),
        new("A6", DomainCluster.GridB, "10", "dispatched", Overdue: true, null, null, null, From.AddDays(7)),
        new("A7", DomainCluster.GridB, "10", "resolved", Overdue: false, null, null, null, From.AddDays(8)), // reported, not yet verified
        new("A8", DomainCluster.Township, "16", "closed", Overdue: true, "resolved", 2, "satisfied", From.AddDays(9)), // located at the township only
        new("A9", DomainCluster.Village, "99", "accepted", Overdue: false, null, null, null, From.AddDays(10)), // located at the village only
        new("A10", DomainCluster.GridA, "02", "in_progress", Overdue: false, "resolved", 4, "unsatisfied", To.AddMinutes(-1)), // reopened by a revisit

        // Not counted anywhere in 城关镇 in March.
        new("R1", DomainCluster.GridA, "02", "rejected", Overdue: false, null, null, null, From.AddDays(2)),
        new("O1", DomainCluster.GridA, "02", "closed", Overdue: false, "resolved", 4, "satisfied", From.AddMinutes(-1)),
        new("O2", DomainCluster.GridA, "02", "closed", Overdue: false, "resolved", 4, "satisfied", To),
        new("T1", OtherGrid, "02", "closed", Overdue: false, "resolved", 4, "satisfied", From.AddDays(1)),
    ];

    [SkippableFact]
    public async Task A_township_month_counts_accepted_resolved_completed_overdue_satisfaction_and_levels_as_counted_by_hand()
    {
        await using var cluster = await StartAsync();

        var stats = await Statistics(cluster).ComputeAsync(DomainCluster.Township, From, To);

        Assert.Equal(10, stats.Accepted);
        Assert.Equal(4, stats.Resolved);
        Assert.Equal(0.4, stats.ResolutionRate);
        Assert.Equal(5, stats.Completed);
        Assert.Equal(0.5, stats.CompletionRate);
        Assert.Equal(new OverdueBuckets(NormalOpen: 4, OverdueOpen: 1, NormalClosed: 3, OverdueClosed: 2), stats.Overdue);
        Assert.Equal(5, stats.Revisited);
        Assert.Equal(3, stats.Satisfied);
        Assert.Equal(0.6, stats.SatisfactionRate);
        Assert.Equal(
            new LevelShare[] { new(RegionLevel.Grid, 1, 0.25), new(RegionLevel.Village, 1, 0.25), new(RegionLevel.Township, 2, 0.5), new(RegionLevel.County, 0, 0) },
            stats.ByLevel);
    }

    [SkippableFact]
    public async Task Categories_come_most_cases_first_with_their_Chinese_names()
    {
        await using var cluster = await StartAsync();

        var stats = await Statistics(cluster).ComputeAsync(DomainCluster.Township, From, To);

        Assert.Equal(
            new CategoryStats[]
            {
                new("02", "邻里纠纷", 4, 2, 0.5), new("01", "婚姻家庭", 2, 1, 0.5), new("10", "劳动争议/欠薪", 2, 0, 0),
                new("16", "信访问题", 1, 1, 1), new("99", "其他", 1, 0, 0),
            },
            stats.ByCategory);
    }

    [SkippableFact]
    public async Task Child_regions_add_up_to_the_total_with_cases_located_above_them_in_a_row_of_their_own()
    {
        await using var cluster = await StartAsync();
        var statistics = Statistics(cluster);

        var township = await statistics.ComputeAsync(DomainCluster.Township, From, To);
        var village = await statistics.ComputeAsync(DomainCluster.Village, From, To);
        var county = await statistics.ComputeAsync(DomainCluster.County, From, To);

        Assert.Equal(new RegionStats[] { new(DomainCluster.Village, "昭君道社区", 9, 3, 0.3333), new(null, CaseStatistics.Unplaced, 1, 1, 1) }, township.ByRegion);
        Assert.Equal(
            new RegionStats[]
            {
                new(DomainCluster.GridA, "昭君道社区第1网格", 4, 3, 0.75), new(DomainCluster.GridB, "昭君道社区第2网格", 4, 0, 0),
                new(null, CaseStatistics.Unplaced, 1, 0, 0),
            },
            village.ByRegion);

        // The county also counts T1, whose township the directory does not hold.
        Assert.Equal((11, 5), (county.Accepted, county.Resolved));
        Assert.Equal(new RegionStats[] { new(DomainCluster.Township, "城关镇", 10, 4, 0.4), new(null, CaseStatistics.Unplaced, 1, 1, 1) }, county.ByRegion);
    }

    [SkippableFact]
    public async Task A_grid_counts_its_own_cases_and_has_no_children()
    {
        await using var cluster = await StartAsync();

        var grid = await Statistics(cluster).ComputeAsync(DomainCluster.GridA, From, To);

        Assert.Equal((4, 3, 3), (grid.Accepted, grid.Resolved, grid.Completed));
        Assert.Equal(0.75, grid.ResolutionRate);
        Assert.Equal(new OverdueBuckets(1, 0, 2, 1), grid.Overdue);
        Assert.Empty(grid.ByRegion);
    }

    [SkippableFact]
    public async Task A_month_without_cases_has_zero_counts_no_rates_and_a_zero_row_for_every_child()
    {
        await using var cluster = await StartAsync();

        var empty = await Statistics(cluster).ComputeAsync(DomainCluster.Village, To.AddMonths(1), To.AddMonths(2));

        Assert.Equal((0, 0, 0), (empty.Accepted, empty.Resolved, empty.Completed));
        Assert.Null(empty.ResolutionRate);
        Assert.Null(empty.CompletionRate);
        Assert.Null(empty.SatisfactionRate);
        Assert.Equal(new OverdueBuckets(0, 0, 0, 0), empty.Overdue);
        Assert.All(empty.ByLevel, l => Assert.Equal((0, (double?)null), (l.Resolved, l.Share)));
        Assert.Empty(empty.ByCategory);
        Assert.Equal(
            new RegionStats[] { new(DomainCluster.GridA, "昭君道社区第1网格", 0, 0, null), new(DomainCluster.GridB, "昭君道社区第2网格", 0, 0, null) },
            empty.ByRegion);
    }

    private async Task<CommandCluster> StartAsync()
    {
        var cluster = await DomainCluster.StartAsync(provider);
        foreach (var row in Rows)
        {
            await row.InsertAsync(cluster.Database);
        }

        return cluster;
    }

    private static CaseStatistics Statistics(CommandCluster cluster) =>
        new(cluster.Services.GetRequiredService<Database>(), cluster.Services.GetRequiredService<RegionDirectory>());
}

/// <summary>A row of <c>cases</c> with what statistics read; the rest is filler.</summary>
internal sealed record CaseRow(
    string Code, string Region, string Category, string Status, bool Overdue, string? Result, int? ResolvedLevel, string? Satisfaction, DateTimeOffset AcceptedAt)
{
    public Task InsertAsync(TestDatabase database)
    {
        string? Part(int length) => Region.Length >= length ? Region[..length] : null;
        var accepted = AcceptedAt.ToUnixTimeMilliseconds();
        var closed = Status is "closed" or "archived" ? accepted + 3_600_000 : (long?)null;
        return database.ExecuteAsync(
            """
            INSERT INTO cases (code, version, county_code, township_code, village_code, grid_code, region_code, category, urgency, channel, title,
                status, level, unit_id, supervision, accepted_at, due_at, warnings, overdue, result, resolved_level, closed_at, satisfaction, updated_at, payload)
            VALUES ($1, 1, $2, $3, $4, $5, $6, $7, 'medium', 'grid', $8, $9, $10, NULL, 0, $11, NULL, 0, $12, $13, $14, $15, $16, $11, '{}')
            """,
            Code, Part(6), Part(9), Part(12), Part(15), Region, Category, $"事件 {Code}", Status, (long)((Region.Length - 3) / 3),
            accepted, Overdue ? 1L : 0L, Result, (long?)ResolvedLevel, closed, Satisfaction);
    }
}

public sealed class SqliteCaseStatisticsTests() : CaseStatisticsTests(StorageProvider.Sqlite);

public sealed class PostgresCaseStatisticsTests() : CaseStatisticsTests(StorageProvider.Postgres);
