using Orleans;
using Orleans.Concurrency;
namespace Command.Grains.Regions;

/// <summary>
/// Live counts of a region (or grid), rolled up grid → village → township → county → city: grids and workers, who is
/// online and patrolling, open and overdue cases, active warnings, and cases accepted and resolved today.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct RegionCounters(
    int Grids, int Workers, int Online, int Patrolling, int Open = 0, int Overdue = 0, int Warnings = 0, int AcceptedToday = 0, int ResolvedToday = 0)
{
    public static RegionCounters operator +(RegionCounters a, RegionCounters b) => new(
        a.Grids + b.Grids, a.Workers + b.Workers, a.Online + b.Online, a.Patrolling + b.Patrolling, a.Open + b.Open, a.Overdue + b.Overdue,
        a.Warnings + b.Warnings, a.AcceptedToday + b.AcceptedToday, a.ResolvedToday + b.ResolvedToday);
}
