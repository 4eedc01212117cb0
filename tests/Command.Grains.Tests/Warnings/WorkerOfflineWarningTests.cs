using Command.Grains.Regions;
using Command.Grains.Workers;
using Command.Testing;

namespace Command.Grains.Tests.Warnings;

/// <summary>网格员离线: a worker who was out today and has been offline too long during office hours.</summary>
public sealed class WorkerOfflineWarningTests
{
    private const string Active = "SELECT count(*) FROM warnings WHERE subject = '1' AND kind = 'worker_offline' AND cleared_at IS NULL";

    [Fact]
    public async Task A_worker_offline_for_half_an_hour_in_office_hours_is_warned_and_the_next_fix_clears_it()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var county = cluster.GrainFactory.GetGrain<IRegionGrain>(DomainCluster.County);
        await cluster.Positions().AppendAsync([Fix(cluster.Clock.GetUtcNow())]);
        await cluster.GrainFactory.GetGrain<IWorkerGrain>(1).GetAsync();

        // Offline after 10 minutes; the warning follows 30 minutes later, not before.
        cluster.Clock.Advance(TimeSpan.FromMinutes(39));
        await cluster.GrainFactory.GetGrain<IWorkerGrain>(1).GetAsync();
        Assert.Equal(0L, await Count(cluster));
        cluster.Clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually.Until(() => Count(cluster), n => n == 1, what: "an offline warning");
        await CountedAtCounty(cluster, county, 1);

        await cluster.Positions().AppendAsync([Fix(cluster.Clock.GetUtcNow())]);
        await Eventually.Until(() => Count(cluster), n => n == 0, what: "the warning cleared");
        await CountedAtCounty(cluster, county, 0);
    }

    /// <summary>
    /// The count travels worker → grid → village → township → county by one-way reports, and every region sends its totals
    /// again each <see cref="Rollup.Refresh"/> so that a lost or overtaken report heals. On the fake clock that refresh
    /// only comes when the clock moves: wait for the push, then let one refresh period pass, as it would for a user.
    /// </summary>
    private static async Task CountedAtCounty(CommandCluster cluster, IRegionGrain county, int warnings)
    {
        try
        {
            await Eventually.Until(county.GetCountersAsync, c => c.Warnings == warnings, TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            cluster.Clock.Advance(Rollup.Refresh);
            await Eventually.Until(county.GetCountersAsync, c => c.Warnings == warnings, what: $"{warnings} warning(s) counted at the county within a refresh");
        }
    }

    [Fact]
    public async Task Going_offline_after_office_hours_raises_no_warning()
    {
        await using var cluster = await DomainCluster.StartAsync();

        // 17:00 China time: offline at 17:10, the warning would be due at 17:40, after office hours (17:30).
        cluster.Clock.Advance(TimeSpan.FromHours(8));
        await cluster.Positions().AppendAsync([Fix(cluster.Clock.GetUtcNow())]);
        await cluster.GrainFactory.GetGrain<IWorkerGrain>(1).GetAsync();
        cluster.Clock.Advance(TimeSpan.FromMinutes(45));
        await cluster.GrainFactory.GetGrain<IWorkerGrain>(1).GetAsync();
        await Task.Delay(100);
        Assert.Equal(0L, await Count(cluster));
    }

    private static async Task<long> Count(CommandCluster cluster) => Convert.ToInt64(await cluster.Database.ScalarAsync(Active), System.Globalization.CultureInfo.InvariantCulture);

    private static PositionFix Fix(DateTimeOffset at) => new(1, at.ToUnixTimeMilliseconds(), 40.4, 111.8);
}
