using Command.Grains.Regions;
using Command.Grains.Workers;
using Command.Runtime;

namespace Command.Grains.Grids;

/// <summary>
/// Keeps its workers' statuses and reports its counters to its village on every change. It stays active for
/// the silo's life (counters are live state, rebuilt from workers' reports after a restart). Its totals go to the
/// village again every minute, so a report lost on the way (an expired one-way message) heals.
/// </summary>
[CollectionAgeLimit(Minutes = 60 * 24 * 365)]
internal sealed class GridGrain(RegionDirectory directory) : Grain, IGridGrain
{
    private readonly Dictionary<long, WorkerStatus> workers = [];
    private RegionInfo grid = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var code = this.GetPrimaryKeyString();
        grid = directory.FindRegion(code) is { Level: RegionLevel.Grid } found ? found : throw new KeyNotFoundException($"No grid has code {code}.");
        foreach (var worker in directory.WorkersOfGrid(code))
        {
            workers[worker.Id] = WorkerStatus.Offline;
        }

        RegisterGrainTimer(_ => ReportAsync(), Rollup.Refresh, Rollup.Refresh);
        return Task.CompletedTask;
    }

    public async Task WorkerStatusChangedAsync(long workerId, WorkerStatus status)
    {
        if (!workers.TryGetValue(workerId, out var old) || old == status)
        {
            return;
        }

        workers[workerId] = status;
        await ReportAsync();
    }

    private async Task ReportAsync()
    {
        if (grid.ParentCode is { } village)
        {
            await GrainFactory.GetGrain<IRegionGrain>(village).ChildChangedAsync(grid.Code, Counters());
        }
    }

    public Task<GridSnapshot> GetAsync() => Task.FromResult(new GridSnapshot(grid.Code, Counters(), new Dictionary<long, WorkerStatus>(workers)));

    private RegionCounters Counters() => new(
        1,
        workers.Count,
        workers.Values.Count(s => s != WorkerStatus.Offline),
        workers.Values.Count(s => s == WorkerStatus.Patrolling));
}
