namespace Command.Grains.Regions;

/// <summary>Rules of the national division codes: the length gives the level, a prefix gives every ancestor.</summary>
public static class RegionCode
{
    /// <summary>The level of a code by its length (4, 6, 9, 12 or 15 digits), or null if it is not a region code.</summary>
    public static RegionLevel? LevelOf(string? code)
    {
        if (code is null || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        return code.Length switch
        {
            4 => RegionLevel.City,
            6 => RegionLevel.County,
            9 => RegionLevel.Township,
            12 => RegionLevel.Village,
            15 => RegionLevel.Grid,
            _ => null,
        };
    }

    /// <summary>The length of codes at a level.</summary>
    public static int LengthOf(RegionLevel level) => level switch
    {
        RegionLevel.City => 4,
        RegionLevel.County => 6,
        RegionLevel.Township => 9,
        RegionLevel.Village => 12,
        _ => 15,
    };

    /// <summary>True when <paramref name="code"/> is <paramref name="scope"/> or lies inside it.</summary>
    public static bool IsWithin(string code, string scope) => code.StartsWith(scope, StringComparison.Ordinal);

    /// <summary>The ancestor of a code at a level (the code itself if it is at that level).</summary>
    public static string AncestorAt(string code, RegionLevel level) => code[..Math.Min(code.Length, LengthOf(level))];

    /// <summary>The region whose own counters count a warning raised at <paramref name="code"/>: a grid's village, else the code itself.</summary>
    public static string CountedAt(string code) => LevelOf(code) == RegionLevel.Grid ? code[..LengthOf(RegionLevel.Village)] : code;

    /// <summary>What users read for a level.</summary>
    public static string LevelName(RegionLevel level) => level switch
    {
        RegionLevel.City => "市",
        RegionLevel.County => "县(区)",
        RegionLevel.Township => "乡镇(街道)",
        RegionLevel.Village => "村(社区)",
        _ => "网格",
    };
}
