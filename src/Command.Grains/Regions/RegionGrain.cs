using Command.Grains.Grids;
using Command.Grains.Cases;
using Command.Grains.Live;
using Command.Grains.Warnings;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Data;

namespace Command.Grains.Regions;

/// <summary>
/// Sums its children's counters, plus the cases located in it but in no grid and the active warnings of dispatch orders to
/// receivers of this region (a village also those of its grids' workers), and reports the total to its parent when it changes. Children start from the imported sizes with nobody online; live reports fill in the rest. It stays
/// active for the silo's life and sends its totals again every minute, so a lost report heals and "today" rolls over.
/// </summary>
[CollectionAgeLimit(Minutes = 60 * 24 * 365)]
internal sealed class RegionGrain(RegionDirectory directory, Database database, ILiveFeed live, TimeProvider time) : Grain, IRegionGrain
{
    private readonly Dictionary<string, RegionCounters> children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> heard = new(StringComparer.Ordinal);
    private readonly CaseTally own = new();
    private readonly HashSet<string> orderWarnings = new(StringComparer.Ordinal);
    private RegionInfo region = null!;
    private int refreshes;
    private RegionCounters total;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var code = this.GetPrimaryKeyString();
        region = directory.FindRegion(code) is { Level: not RegionLevel.Grid } found ? found : throw new KeyNotFoundException($"No region has code {code}.");
        foreach (var child in region.Children)
        {
            children[child.Code] = new RegionCounters(child.GridCount, child.WorkerCount, 0, 0);
        }

        await own.LoadAsync(database, code, Today(), cancellationToken);
        await LoadOrderWarningsAsync(cancellationToken);
        total = Sum();
        this.RegisterGrainTimer(_ => RefreshAsync(), Rollup.Refresh, Rollup.Refresh);

        // Cases and warnings read from the database count at once, not only at the next refresh.
        if (own.Count > 0 || orderWarnings.Count > 0)
        {
            await ReportAsync();
        }
    }

    public async Task ChildChangedAsync(string childCode, RegionCounters counters)
    {
        if (!children.ContainsKey(childCode))
        {
            return;
        }

        children[childCode] = counters;
        heard[childCode] = time.GetUtcNow();
        await ChangedAsync();
    }

    public async Task CaseChangedAsync(string caseCode, CaseMark mark)
    {
        if (own.Set(caseCode, mark))
        {
            await ChangedAsync();
        }
    }

    public async Task OrderWarningChangedAsync(string warningId, bool active)
    {
        if (active ? orderWarnings.Add(warningId) : orderWarnings.Remove(warningId))
        {
            await ChangedAsync();
        }
    }

    /// <summary>The active order warnings this region counts itself (its own, and for a village its grids').</summary>
    private async Task LoadOrderWarningsAsync(CancellationToken cancellationToken)
    {
        orderWarnings.Clear();
        var code = region.Code;
        var village = region.Level == RegionLevel.Village;
        var where = village ? "region_code LIKE $3" : "region_code = $3";
        List<object?> parameters = [WarningKind.OrderUnsigned.Wire(), WarningKind.OrderUnreported.Wire(), village ? code + "%" : code];
        if (code.Length >= 6)
        {
            // The county column is indexed; the region narrows it.
            parameters.Add(code[..6]);
            where = "county_code = $4 AND " + where;
        }

        await database.QueryAsync(
            new SqlStatement($"SELECT id FROM warnings WHERE {where} AND kind IN ($1, $2) AND cleared_at IS NULL", [.. parameters]),
            r => orderWarnings.Add(r.GetString(0)), cancellationToken);
    }

    private async Task ChangedAsync()
    {
        var next = Sum();
        if (next == total)
        {
            return;
        }

        total = next;
        await ReportAsync();
    }

    private async Task RefreshAsync()
    {
        // Every tenth refresh the cases are read again, so a report that was lost on its way here heals.
        if (++refreshes % Rollup.ReloadEvery == 0)
        {
            await own.LoadAsync(database, region.Code, Today(), CancellationToken.None);
            await LoadOrderWarningsAsync(CancellationToken.None);
        }

        own.Prune(ChinaDate.Of(time.GetUtcNow()), Today());
        await WakeSilentChildrenAsync();
        total = Sum();
        await ReportAsync();
    }

    /// <summary>
    /// A child that counts something live (people online, open cases, warnings) reports every minute while it is active. One
    /// silent for longer was lost with its silo (or never woke after a restart): it is asked once, which activates it again
    /// from the database, so these counters do not keep what a dead silo last said.
    /// </summary>
    private async Task WakeSilentChildrenAsync()
    {
        var now = time.GetUtcNow();
        var silent = children
            .Where(c => c.Value is { Online: > 0 } or { Open: > 0 } or { Warnings: > 0 } && now - heard.GetValueOrDefault(c.Key) > Rollup.Refresh * 3)
            .Select(c => c.Key)
            .ToList();
        foreach (var code in silent)
        {
            heard[code] = now;
            children[code] = directory.FindRegion(code) is { Level: RegionLevel.Grid }
                ? (await GrainFactory.GetGrain<IGridGrain>(code).GetAsync()).Counters
                : await GrainFactory.GetGrain<IRegionGrain>(code).GetCountersAsync();
        }
    }

    private async Task ReportAsync()
    {
        live.CountersChanged(region.Code, total);
        if (region.ParentCode is { } parent && directory.FindRegion(parent) is not null)
        {
            await GrainFactory.GetGrain<IRegionGrain>(parent).ChildChangedAsync(region.Code, total);
        }
    }

    public Task<RegionCounters> GetCountersAsync() => Task.FromResult(total);

    public Task<IReadOnlyDictionary<string, RegionCounters>> GetChildrenAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, RegionCounters>>(new Dictionary<string, RegionCounters>(children, StringComparer.Ordinal));

    private DateTimeOffset Today() => ChinaDate.StartOf(ChinaDate.Of(time.GetUtcNow()));

    private RegionCounters Sum()
    {
        var sum = own.Counters(ChinaDate.Of(time.GetUtcNow())) + new RegionCounters(0, 0, 0, 0, Warnings: orderWarnings.Count);
        foreach (var counters in children.Values)
        {
            sum += counters;
        }

        return sum;
    }
}
