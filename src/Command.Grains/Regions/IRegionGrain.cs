using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Grains.Regions;

/// <summary>A region (city, county, township, village): live counters summed over its children. Keyed by code.</summary>
public interface IRegionGrain : IGrainWithStringKey
{
    /// <summary>A child's counters now (absolute, so a repeated report changes nothing).</summary>
    [OneWay]
    Task ChildChangedAsync(string childCode, RegionCounters counters);

    /// <summary>A case located in this region but in none of its grids changed what it counts for.</summary>
    [OneWay]
    Task CaseChangedAsync(string caseCode, Cases.CaseMark mark);

    /// <summary>
    /// A dispatch order's warning at this region (or one of its grids, for a village: <see cref="RegionCode.CountedAt"/>) was
    /// raised or cleared.
    /// </summary>
    [OneWay]
    Task OrderWarningChangedAsync(string warningId, bool active);

    [ReadOnly]
    Task<RegionCounters> GetCountersAsync();

    /// <summary>Each child's counters, by code.</summary>
    [ReadOnly]
    Task<IReadOnlyDictionary<string, RegionCounters>> GetChildrenAsync();
}
