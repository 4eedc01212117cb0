using Command.Grains.Regions;

namespace Command.Grains.Cases;

/// <summary>How the cases of a region are found in the <c>cases</c> table: by the indexed column of its level.</summary>
internal static class CaseRegionFilter
{
    /// <summary>The column holding each case's region at <paramref name="level"/> (county and below).</summary>
    public static string Column(RegionLevel level) => level switch
    {
        RegionLevel.County => "county_code",
        RegionLevel.Township => "township_code",
        RegionLevel.Village => "village_code",
        _ => "grid_code",
    };

    /// <summary>The condition on parameter <c>$n</c> and its value: the level's column, or for a city every county starting with it.</summary>
    public static (string Sql, string Value) For(string regionCode, int n)
    {
        var level = RegionCode.LevelOf(regionCode) ?? throw new ArgumentException($"Not a region code: {regionCode}", nameof(regionCode));
        return level == RegionLevel.City ? ($"county_code LIKE ${n}", regionCode + "%") : ($"{Column(level)} = ${n}", regionCode);
    }
}
