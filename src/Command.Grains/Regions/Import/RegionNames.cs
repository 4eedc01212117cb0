namespace Command.Grains.Regions.Import;

/// <summary>The names people use for regions on screen.</summary>
public static class RegionNames
{
    /// <summary>
    /// The everyday name of a village or community from its official committee name: 昭君道社区居民委员会 → 昭君道社区,
    /// 城关村民委员会 → 城关村, 新村村委会 → 新村, 义和巷居委会 → 义和巷社区. Other names are returned unchanged.
    /// </summary>
    public static string Short(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var suffix in (ReadOnlySpan<string>)["社区居民委员会", "社区居委会"])
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return name[..^(suffix.Length - 2)];
            }
        }

        foreach (var suffix in (ReadOnlySpan<string>)["居民委员会", "居委会"])
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return name[..^suffix.Length] + "社区";
            }
        }

        foreach (var suffix in (ReadOnlySpan<string>)["村民委员会", "村委会"])
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
            {
                var stem = name[..^suffix.Length];
                return stem.EndsWith('村') ? stem : stem + "村";
            }
        }

        return name;
    }

    /// <summary>The name of grid number <paramref name="sequence"/> of a village, e.g. 昭君道社区第3网格.</summary>
    public static string Grid(string villageName, int sequence) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Short(villageName)}第{sequence}网格");
}
