namespace Command.Grains.Regions.Import;

/// <summary>One row of an administrative division list: a city, county, township or village.</summary>
/// <param name="Code">The statistical division code (4, 6, 9 or 12 digits by level).</param>
/// <param name="Name">The official name, as published.</param>
/// <param name="Level">The level, which the code's length must match.</param>
/// <param name="ParentCode">The code of the enclosing division; <see langword="null"/> only for a city.</param>
public sealed record Division(string Code, string Name, RegionLevel Level, string? ParentCode);
