namespace Command.Grains.Regions;

/// <summary>Live counts of a region (or grid), rolled up grid → village → township → county → city.</summary>
public readonly record struct RegionCounters(int Grids, int Workers, int Online, int Patrolling)
{
    public static RegionCounters operator +(RegionCounters a, RegionCounters b) =>
        new(a.Grids + b.Grids, a.Workers + b.Workers, a.Online + b.Online, a.Patrolling + b.Patrolling);
}
