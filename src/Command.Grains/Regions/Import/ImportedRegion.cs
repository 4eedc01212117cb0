using NetTopologySuite.Geometries;

namespace Command.Grains.Regions.Import;

/// <summary>A region ready to be stored: its place in the tree and its boundary.</summary>
/// <param name="Code">The division code; a grid's is its village's code and a 3-digit sequence.</param>
/// <param name="Name">The name shown on screen (villages by their everyday name, e.g. 昭君道社区).</param>
/// <param name="Level">The level in the region tree.</param>
/// <param name="ParentCode">The enclosing region; <see langword="null"/> for a city.</param>
/// <param name="Boundary">A Polygon or MultiPolygon in WGS-84 lon/lat.</param>
/// <param name="Synthetic">Whether the boundary was derived rather than published; screens must say so.</param>
public sealed record ImportedRegion(
    string Code,
    string Name,
    RegionLevel Level,
    string? ParentCode,
    Geometry Boundary,
    bool Synthetic);
