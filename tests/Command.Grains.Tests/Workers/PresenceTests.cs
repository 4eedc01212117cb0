using Command.Grains.Grids;
using Command.Grains.Regions;
using Command.Grains.Workers;
using Command.Data;
using Command.Testing;

namespace Command.Grains.Tests.Workers;

/// <summary>Status follows positions on the injected clock, and the counts roll up grid → village → township → county.</summary>
public abstract class PresenceTests(StorageProvider provider)
{
    private const double Lat = 40.40;
    private const double Lon = 111.80;

    [SkippableFact]
    public async Task A_moving_worker_is_patrolling_then_on_duty_when_still_then_offline_and_the_county_counts_follow()
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var now = cluster.Clock.GetUtcNow();
        var county = cluster.GrainFactory.GetGrain<IRegionGrain>(DomainCluster.County);

        await cluster.Positions().AppendAsync([Fix(1, now.AddSeconds(-60), Lat), Fix(1, now, Lat + 0.001)]);

        Assert.Equal(WorkerStatus.Patrolling, (await cluster.GrainFactory.GetGrain<IWorkerGrain>(1).GetAsync()).Status);
        await Eventually.Until(() => county.GetCountersAsync(), c => c == new RegionCounters(2, 3, 1, 1), what: "county counts with one worker patrolling");

        cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(WorkerStatus.OnDuty, (await cluster.GrainFactory.GetGrain<IWorkerGrain>(1).GetAsync()).Status);
        await Eventually.Until(() => county.GetCountersAsync(), c => c == new RegionCounters(2, 3, 1, 0), what: "nobody patrolling");

        cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(WorkerStatus.Offline, (await cluster.GrainFactory.GetGrain<IWorkerGrain>(1).GetAsync()).Status);
        await Eventually.Until(() => county.GetCountersAsync(), c => c == new RegionCounters(2, 3, 0, 0), what: "nobody online");
        var grid = await cluster.GrainFactory.GetGrain<IGridGrain>(DomainCluster.GridA).GetAsync();
        Assert.Equal(WorkerStatus.Offline, grid.Workers[1]);
    }

    [SkippableFact]
    public async Task A_grid_lost_with_its_silo_is_woken_so_the_county_does_not_keep_what_it_last_said()
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var county = cluster.GrainFactory.GetGrain<IRegionGrain>(DomainCluster.County);
        await cluster.Positions().AppendAsync([Fix(1, cluster.Clock.GetUtcNow(), Lat)]);
        await cluster.GrainFactory.GetGrain<IWorkerGrain>(1).GetAsync();
        await Eventually.Until(() => county.GetCountersAsync(), c => c.Online == 1, what: "one worker online");

        // The worker and its grid vanish as with a silo that died: nobody is left to say the worker went offline.
        await cluster.DeactivateAsync(cluster.GrainFactory.GetGrain<IWorkerGrain>(1));
        await cluster.DeactivateAsync(cluster.GrainFactory.GetGrain<IGridGrain>(DomainCluster.GridA));
        cluster.Clock.Advance(TimeSpan.FromMinutes(15));

        // Within a few minutes of refreshes the village asks the silent grid again, which counts from what is true now.
        await cluster.UntilDueAsync(() => county.GetCountersAsync(), c => c.Online == 0, TimeSpan.FromMinutes(1), "the county to count nobody online");
    }

    [SkippableFact]
    public async Task The_offline_limit_is_configuration()
    {
        await using var cluster = await DomainCluster.StartAsync(provider, o => o.OfflineAfter = TimeSpan.FromSeconds(30));
        var now = cluster.Clock.GetUtcNow();

        await cluster.Positions().AppendAsync([Fix(3, now, Lat)]);
        Assert.Equal(WorkerStatus.OnDuty, (await cluster.GrainFactory.GetGrain<IWorkerGrain>(3).GetAsync()).Status);
        cluster.Clock.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(WorkerStatus.Offline, (await cluster.GrainFactory.GetGrain<IWorkerGrain>(3).GetAsync()).Status);
    }

    [SkippableFact]
    public async Task Positions_acknowledged_before_a_kill_are_the_workers_track_after_restart()
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var now = cluster.Clock.GetUtcNow();
        var fixes = Enumerable.Range(0, 10).Select(i => Fix(2, now.AddMinutes(-10 + i), Lat + (i * 0.0005))).ToArray();

        await cluster.Positions().AppendAsync(fixes);
        await cluster.KillAsync();
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);

        var worker = await cluster.GrainFactory.GetGrain<IWorkerGrain>(2).GetAsync();
        Assert.Equal(fixes[^1].Lat, worker.LastPosition?.Lat);
        Assert.Equal(10, worker.Today.Positions);
        Assert.Equal(TimeSpan.FromMinutes(9), worker.Today.Online);
        Assert.InRange(worker.Today.DistanceMetres, 490, 510); // 9 × 55.6 m
    }

    [SkippableFact]
    public async Task Positions_a_phone_uploads_late_count_in_the_days_patrol()
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var now = cluster.Clock.GetUtcNow();

        await cluster.Positions().AppendAsync([Fix(1, now.AddSeconds(-10), Lat)]);
        await cluster.Positions().AppendAsync(Enumerable.Range(0, 8).Select(i => Fix(1, now.AddMinutes(-30 + (i * 4)), Lat + (i * 0.001))).ToArray());
        var worker = cluster.GrainFactory.GetGrain<IWorkerGrain>(1);
        await worker.GetAsync(); // queued behind the report of the late batch
        cluster.Clock.Advance(TimeSpan.FromSeconds(30)); // late batches are folded in within 30 s

        var today = (await Eventually.Until(() => worker.GetAsync(), w => w.Today.Positions == 9, what: "the late positions in today's patrol")).Today;
        Assert.Equal(9, today.Positions);
        Assert.InRange(today.Online.TotalMinutes, 29.8, 30);
        Assert.InRange(today.DistanceMetres, 1540, 1575); // 7 steps of 111 m north, then 778 m back to the first fix
    }

    [SkippableFact]
    public async Task A_resent_position_is_stored_once()
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var fix = Fix(1, cluster.Clock.GetUtcNow(), Lat);

        await cluster.Positions().AppendAsync([fix]);
        await cluster.Positions().AppendAsync([fix, fix]);

        Assert.Equal(1L, Convert.ToInt64(await cluster.Database.ScalarAsync("SELECT count(*) FROM positions"), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static PositionFix Fix(long worker, DateTimeOffset at, double lat) => new(worker, at.ToUnixTimeMilliseconds(), lat, Lon);
}

public sealed class SqlitePresenceTests() : PresenceTests(StorageProvider.Sqlite);

public sealed class PostgresPresenceTests() : PresenceTests(StorageProvider.Postgres);
