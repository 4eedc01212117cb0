using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Grains.Live;
using Command.Grains.Warnings;
using Command.Grains.Workers;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Data;
using Microsoft.Extensions.Options;

namespace Command.Grains.Grids;

/// <summary>
/// Keeps its workers' statuses and its cases' marks, and reports its counters to its village on every change. It stays
/// active for the silo's life (counters are live state, rebuilt from the database and workers' reports after a restart),
/// and sends its totals again every minute so a report lost on the way heals. It raises the hot-spot warning when
/// several cases arrive within the window, and clears it when they have aged out.
/// </summary>
[CollectionAgeLimit(Minutes = 60 * 24 * 365)]
internal sealed class GridGrain(RegionDirectory directory, Database database, IOptions<CaseOptions> cases, ILiveFeed live, TimeProvider time) : Grain, IGridGrain
{
    private readonly Dictionary<long, WorkerStatus> workers = [];
    private readonly CaseTally tally = new();
    private readonly HashSet<long> warned = [];
    private RegionInfo grid = null!;
    private int refreshes;
    private string? hotSpot;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var code = this.GetPrimaryKeyString();
        grid = directory.FindRegion(code) is { Level: RegionLevel.Grid } found ? found : throw new KeyNotFoundException($"No grid has code {code}.");
        foreach (var worker in directory.WorkersOfGrid(code))
        {
            workers[worker.Id] = WorkerStatus.Offline;
        }

        await tally.LoadAsync(database, code, Since(), cancellationToken);
        hotSpot = await WarningRows.ActiveIdAsync(database, code, WarningKind.HotSpot, cancellationToken);
        await database.QueryAsync(
            new SqlStatement("SELECT worker_id FROM warnings WHERE region_code = $1 AND kind = $2 AND cleared_at IS NULL", code, WarningKind.WorkerOffline.Wire()),
            r => warned.Add(Convert.ToInt64(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);
        this.RegisterGrainTimer(_ => RefreshAsync(), Rollup.Refresh, Rollup.Refresh);

        // Cases and warnings read from the database count at once, not only at the next refresh.
        if (tally.Count > 0 || warned.Count > 0 || hotSpot is not null)
        {
            await ReportAsync();
        }
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

    public async Task WorkerWarningChangedAsync(long workerId, bool isWarned)
    {
        if (workers.ContainsKey(workerId) && (isWarned ? warned.Add(workerId) : warned.Remove(workerId)))
        {
            await ReportAsync();
        }
    }

    public async Task CaseChangedAsync(string caseCode, CaseMark mark)
    {
        if (!tally.Set(caseCode, mark))
        {
            return;
        }

        await CheckHotSpotAsync();
        await ReportAsync();
    }

    private async Task RefreshAsync()
    {
        // Every tenth refresh the cases are read again, so a report that was lost on its way here heals.
        if (++refreshes % Rollup.ReloadEvery == 0)
        {
            await tally.LoadAsync(database, grid.Code, Since(), CancellationToken.None);
        }

        tally.Prune(ChinaDate.Of(time.GetUtcNow()), Since());
        await CheckHotSpotAsync();
        await ReportAsync();
    }

    private async Task CheckHotSpotAsync()
    {
        var o = cases.Value;
        var now = time.GetUtcNow();
        var recent = tally.AcceptedSince(now - o.HotSpotWindow);
        if (hotSpot is null && recent >= o.HotSpotCases)
        {
            var id = $"{grid.Code}-{WarningKind.HotSpot.Wire()}-{now.ToUnixTimeMilliseconds()}";
            var message = $"{grid.Name}在 {o.HotSpotWindow.TotalHours:0.#} 小时内发生 {recent} 起案件";
            await database.WriteAsync(WarningRows.Raise(id, WarningKind.HotSpot, WarningLevel.Red, grid.Code, null, null, grid.Code, message, now));
            hotSpot = id;
            live.WarningChanged(WarningCard.Raised(id, WarningKind.HotSpot, WarningLevel.Red, grid.Code, null, null, message, now));
        }
        else if (hotSpot is not null && recent < o.HotSpotCases)
        {
            await database.WriteAsync(WarningRows.Clear(hotSpot, now));
            live.WarningChanged(WarningCard.Cleared(hotSpot, WarningKind.HotSpot, grid.Code, now));
            hotSpot = null;
        }
    }

    private async Task ReportAsync()
    {
        live.CountersChanged(grid.Code, Counters());
        if (grid.ParentCode is { } village)
        {
            await GrainFactory.GetGrain<IRegionGrain>(village).ChildChangedAsync(grid.Code, Counters());
        }
    }

    public Task<GridSnapshot> GetAsync() => Task.FromResult(new GridSnapshot(grid.Code, Counters(), new Dictionary<long, WorkerStatus>(workers)));

    private DateTimeOffset Since() => CaseTally.CountingSince(time.GetUtcNow(), cases.Value.HotSpotWindow);

    private RegionCounters Counters() => new RegionCounters(
        1,
        workers.Count,
        workers.Values.Count(s => s != WorkerStatus.Offline),
        workers.Values.Count(s => s == WorkerStatus.Patrolling)) + tally.Counters(ChinaDate.Of(time.GetUtcNow())) + new RegionCounters(0, 0, 0, 0, Warnings: warned.Count + (hotSpot is null ? 0 : 1));
}
