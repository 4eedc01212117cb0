using System.Globalization;
using Command.Grains.Audit;
using Command.Grains.Warnings;
using Command.Data;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Grains.Tests.Warnings;

/// <summary>The big screen's warning list filters by region, kind and activity, newest first; an acknowledgement is recorded once, with who and when.</summary>
public abstract class WarningStoreTests(StorageProvider provider)
{
    private const string OtherTownshipGrid = "150123101001001";
    private const string OtherCountyGrid = "150124100001001";

    [SkippableFact]
    public async Task The_list_holds_the_active_warnings_inside_the_region_newest_first()
    {
        await using var cluster = await StartAsync();
        var store = Store(cluster);

        var township = await store.ListAsync(new WarningQuery(DomainCluster.Township));
        var withCleared = await store.ListAsync(new WarningQuery(DomainCluster.Township, IncludeCleared: true));
        var overdue = await store.ListAsync(new WarningQuery(DomainCluster.Township, WarningKind.Overdue));
        var gridB = await store.ListAsync(new WarningQuery(DomainCluster.GridB));
        var county = await store.ListAsync(new WarningQuery(DomainCluster.County));

        Assert.Equal(["w5", "w2", "w1"], Ids(township));
        Assert.Equal(3, township.Total);
        Assert.Equal(["w5", "w3", "w2", "w1"], Ids(withCleared));
        Assert.Equal(["w1"], Ids(overdue));
        Assert.Equal(["w5"], Ids(gridB));
        Assert.Equal(["w5", "w4", "w2", "w1"], Ids(county));
        var w5 = township.Items[0];
        Assert.Equal((WarningKind.RedRisk, WarningLevel.Red, "C5", DomainCluster.GridB), (w5.Kind, w5.Level, w5.CaseCode, w5.RegionCode));
        Assert.Equal(Raised(cluster, 5), w5.RaisedAt);
        Assert.Null(w5.AckedBy);
    }

    [SkippableFact]
    public async Task Pages_split_the_list_and_the_total_counts_them_all()
    {
        await using var cluster = await StartAsync();
        var store = Store(cluster);

        var second = await store.ListAsync(new WarningQuery(DomainCluster.County, Page: 2, PageSize: 3));
        var beyond = await store.ListAsync(new WarningQuery(DomainCluster.County, Page: 3, PageSize: 3));

        Assert.Equal(["w1"], Ids(second));
        Assert.Equal(4, second.Total);
        Assert.Empty(beyond.Items);
        Assert.Equal(4, beyond.Total);
    }

    [SkippableFact]
    public async Task An_ack_records_who_and_when_with_an_audit_entry_and_a_second_ack_keeps_the_first()
    {
        await using var cluster = await StartAsync();
        var store = Store(cluster);
        var first = DateTimeOffset.FromUnixTimeMilliseconds(cluster.Clock.GetUtcNow().ToUnixTimeMilliseconds());

        var acked = await store.AckAsync("w1", "duty");
        cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await store.AckAsync("w1", "leader");

        Assert.Equal(AckOutcome.Acked, acked.Outcome);
        Assert.Equal(("duty", first), (acked.Warning!.AckedBy, acked.Warning.AckedAt));
        Assert.Equal(AckOutcome.AlreadyAcked, again.Outcome);
        Assert.Equal(("duty", first), (again.Warning!.AckedBy, again.Warning.AckedAt));
        var stored = await store.GetAsync("w1");
        Assert.Equal(("duty", first), (stored!.AckedBy, stored.AckedAt));
        Assert.Equal(1L, await CountAsync(cluster, "SELECT count(*) FROM audit_log WHERE action = 'warning-ack' AND target = 'w1'"));
        Assert.Equal(1L, await CountAsync(cluster, "SELECT count(*) FROM audit_log WHERE action = 'warning-ack' AND actor = 'duty'"));
        Assert.Null((await store.GetAsync("w2"))!.AckedBy);
    }

    [SkippableFact]
    public async Task Acking_an_unknown_warning_finds_nothing_and_writes_nothing()
    {
        await using var cluster = await StartAsync();

        var result = await Store(cluster).AckAsync("nope", "duty");

        Assert.Equal(new AckResult(AckOutcome.NotFound, null), result);
        Assert.Equal(0L, await CountAsync(cluster, "SELECT count(*) FROM audit_log WHERE action = 'warning-ack'"));
    }

    [SkippableFact]
    public async Task A_warning_is_within_the_scopes_that_contain_its_region()
    {
        await using var cluster = await StartAsync();
        var w4 = (await Store(cluster).GetAsync("w4"))!;

        Assert.True(w4.IsWithin(DomainCluster.County));
        Assert.True(w4.IsWithin(""));
        Assert.False(w4.IsWithin(DomainCluster.Township));
    }

    private async Task<CommandCluster> StartAsync()
    {
        var cluster = await DomainCluster.StartAsync(provider);
        (string Id, string Kind, long Level, string Region, bool Cleared)[] warnings =
        [
            ("w1", "overdue", 2, DomainCluster.GridA, false),
            ("w2", "unsigned", 1, DomainCluster.Village, false),
            ("w3", "hot_spot", 1, DomainCluster.GridB, true),
            ("w4", "worker_offline", 1, OtherTownshipGrid, false),
            ("w5", "red_risk", 2, DomainCluster.GridB, false),
            ("w6", "overdue", 2, OtherCountyGrid, false),
        ];
        for (var i = 0; i < warnings.Length; i++)
        {
            var (id, kind, level, region, cleared) = warnings[i];
            var raised = Raised(cluster, i + 1).ToUnixTimeMilliseconds();
            await cluster.Database.ExecuteAsync(
                """
                INSERT INTO warnings (id, kind, level, subject, case_code, worker_id, region_code, county_code, message, raised_at, cleared_at, acked_by, acked_at)
                VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, $10, NULL, NULL)
                """,
                id, kind, level, $"C{i + 1}", $"C{i + 1}", region, region[..6], $"事件 C{i + 1} 预警", raised, cleared ? raised + 60_000 : null);
        }

        return cluster;
    }

    /// <summary>When the n-th warning was raised: hours before now, later ones later.</summary>
    private static DateTimeOffset Raised(CommandCluster cluster, int n) =>
        DateTimeOffset.FromUnixTimeMilliseconds(cluster.Clock.GetUtcNow().AddHours(n - 10).ToUnixTimeMilliseconds());

    private static WarningStore Store(CommandCluster cluster) =>
        new(cluster.Services.GetRequiredService<Database>(), cluster.Services.GetRequiredService<AuditLog>(), cluster.Services.GetRequiredService<Command.Grains.Live.ILiveFeed>(), cluster.Clock);

    private static string[] Ids(WarningPage page) => [.. page.Items.Select(w => w.Id)];

    private static async Task<long> CountAsync(CommandCluster cluster, string sql) =>
        Convert.ToInt64(await cluster.Database.ScalarAsync(sql), CultureInfo.InvariantCulture);
}

public sealed class SqliteWarningStoreTests() : WarningStoreTests(StorageProvider.Sqlite);

public sealed class PostgresWarningStoreTests() : WarningStoreTests(StorageProvider.Postgres);
