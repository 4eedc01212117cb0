using Command.Runtime;

namespace Command.Grains.Regions;

/// <summary>
/// Sums its children's counters and reports the total to its parent when it changes. Children start from the
/// imported sizes with nobody online; live reports fill in the rest. It stays active for the silo's life and
/// sends its totals to its parent again every minute, so a report lost on the way heals.
/// </summary>
[CollectionAgeLimit(Minutes = 60 * 24 * 365)]
internal sealed class RegionGrain(RegionDirectory directory) : Grain, IRegionGrain
{
    private readonly Dictionary<string, RegionCounters> children = new(StringComparer.Ordinal);
    private RegionInfo region = null!;
    private RegionCounters total;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var code = this.GetPrimaryKeyString();
        region = directory.FindRegion(code) is { Level: not RegionLevel.Grid } found ? found : throw new KeyNotFoundException($"No region has code {code}.");
        foreach (var child in region.Children)
        {
            children[child.Code] = new RegionCounters(child.GridCount, child.WorkerCount, 0, 0);
        }

        total = Sum();
        RegisterGrainTimer(_ => ReportAsync(), Rollup.Refresh, Rollup.Refresh);
        return Task.CompletedTask;
    }

    public async Task ChildChangedAsync(string childCode, RegionCounters counters)
    {
        if (!children.ContainsKey(childCode))
        {
            return;
        }

        children[childCode] = counters;
        var next = Sum();
        if (next == total)
        {
            return;
        }

        total = next;
        await ReportAsync();
    }

    private async Task ReportAsync()
    {
        if (region.ParentCode is { } parent && directory.FindRegion(parent) is not null)
        {
            await GrainFactory.GetGrain<IRegionGrain>(parent).ChildChangedAsync(region.Code, total);
        }
    }

    public Task<RegionCounters> GetCountersAsync() => Task.FromResult(total);

    public Task<IReadOnlyDictionary<string, RegionCounters>> GetChildrenAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, RegionCounters>>(new Dictionary<string, RegionCounters>(children, StringComparer.Ordinal));

    private RegionCounters Sum()
    {
        var sum = default(RegionCounters);
        foreach (var counters in children.Values)
        {
            sum += counters;
        }

        return sum;
    }
}
