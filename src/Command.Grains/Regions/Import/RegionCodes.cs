namespace Command.Grains.Regions.Import;

/// <summary>The shape of division codes: how many digits each level has.</summary>
public static class RegionCodes
{
    /// <summary>The number of digits of a code at <paramref name="level"/>: 4, 6, 9, 12 or 15.</summary>
    public static int Length(RegionLevel level) => level switch
    {
        RegionLevel.City => 4,
        RegionLevel.County => 6,
        RegionLevel.Township => 9,
        RegionLevel.Village => 12,
        RegionLevel.Grid => 15,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown region level"),
    };

    /// <summary>Whether <paramref name="code"/> is non-empty and all ASCII digits.</summary>
    public static bool IsDigits(string code) => code.Length > 0 && code.All(char.IsAsciiDigit);

    /// <summary>The code of grid number <paramref name="sequence"/> (1-based) of a village: the village code and 3 digits.</summary>
    public static string Grid(string villageCode, int sequence) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{villageCode}{sequence:D3}");
}
