using Command.Data;
using Command.Grains.Cases;
using Command.Grains.Grids;
using Command.Grains.Regions;
using Command.Grains.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace Command.Grains.Live;

/// <summary>
/// Wakes what counts on the screens now: the workers who reported today (their status, a pending offline warning) and the
/// grids and regions with cases or warnings that count. Grains do not wake by themselves, so this runs at a silo's start and,
/// in a cluster, on every survivor when a silo dies: the grains that lived there come back from the database, and a
/// region that came back without its grids no longer undercounts until their next report.
/// </summary>
public sealed partial class CountingWake(
    Database database, RegionDirectory directory, IGrainFactory grains, IOptions<CaseOptions> cases, TimeProvider time, ILogger<CountingWake> log)
{
    /// <summary>Activates the workers and places that count; returns how many places it asked.</summary>
    public async Task<int> WakeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var recent = await PositionQueries.ReportedSinceAsync(database, ChinaDate.StartOf(ChinaDate.Of(now)), cancellationToken);
        await Task.WhenAll(recent.Where(id => directory.FindWorker(id) is not null).Select(id => grains.GetGrain<IWorkerGrain>(id).GetAsync()));
        var places = await CaseTally.PlacesAsync(database, CaseTally.CountingSince(now, cases.Value.HotSpotWindow), cancellationToken);
        await Task.WhenAll(places.Select(code => directory.FindRegion(code) switch
        {
            { Level: RegionLevel.Grid } => (Task)grains.GetGrain<IGridGrain>(code).GetAsync(),
            { } => grains.GetGrain<IRegionGrain>(code).GetCountersAsync(),
            null => Task.CompletedTask,
        }));
        return places.Count;
    }

    /// <summary>After <paramref name="dead"/> left the cluster: wakes again, logging what it did (never throws).</summary>
    internal async Task AfterLossAsync(SiloAddress dead, CancellationToken cancellationToken)
    {
        try
        {
            var places = await WakeAsync(cancellationToken);
            LogWoken(log, dead, places);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The regions' own refresh still asks silent children, later; the screens heal then.
            LogWakeFailed(log, e, dead);
        }
    }

    [LoggerMessage(EventId = 441, Level = LogLevel.Information, Message = "Silo {Dead} is dead: woke the workers and {Places} places that count, so its grains serve the counters again")]
    private static partial void LogWoken(ILogger logger, SiloAddress dead, int places);

    [LoggerMessage(EventId = 442, Level = LogLevel.Warning, Message = "Silo {Dead} is dead, and waking what counts failed")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception, SiloAddress dead);
}

/// <summary>Runs <see cref="CountingWake"/> on this silo whenever the membership declares another silo dead.</summary>
internal sealed class LostSiloWake(IClusterMembershipService membership, ILocalSiloDetails self, CountingWake wake) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ClusterMembershipSnapshot? previous = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                if (previous is not null)
                {
                    foreach (var change in snapshot.CreateUpdate(previous).Changes)
                    {
                        if (change.Status == SiloStatus.Dead && !change.SiloAddress.Equals(self.SiloAddress)
                            && snapshot.GetSiloStatus(self.SiloAddress) == SiloStatus.Active)
                        {
                            await wake.AfterLossAsync(change.SiloAddress, stoppingToken);
                        }
                    }
                }

                previous = snapshot;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

public static class CountingWakeExtensions
{
    /// <summary>The wake at start (called by the host) and after a lost silo (a background service of each silo).</summary>
    public static IServiceCollection AddCountingWake(this IServiceCollection services)
    {
        services.AddSingleton<CountingWake>();
        services.AddHostedService<LostSiloWake>();
        return services;
    }
}
