namespace Command.Grains.Regions;

/// <summary>The levels of the region tree; a code's length tells its level (4, 6, 9, 12, 15 digits).</summary>
public enum RegionLevel
{
    City,
    County,
    Township,
    Village,
    Grid,
}
