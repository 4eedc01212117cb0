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

    [ReadOnly]
    Task<RegionCounters> GetCountersAsync();

    /// <summary>Each child's counters, by code.</summary>
    [ReadOnly]
    Task<IReadOnlyDictionary<string, RegionCounters>> GetChildrenAsync();
}
