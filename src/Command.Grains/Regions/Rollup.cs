namespace Command.Grains.Regions;

/// <summary>How counters travel up the tree: at once on a change, and again on this period in case a report was lost.</summary>
internal static class Rollup
{
    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);
}
