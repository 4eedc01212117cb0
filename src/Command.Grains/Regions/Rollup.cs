namespace Command.Grains.Regions;

/// <summary>How counters travel up the tree: at once on a change, and again on this period in case a report was lost.</summary>
internal static class Rollup
{
    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    /// <summary>Grids and regions read their cases from the database again every this many refreshes.</summary>
    public const int ReloadEvery = 10;
}
