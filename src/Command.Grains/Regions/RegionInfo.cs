using NetTopologySuite.Geometries;

namespace Command.Grains.Regions;

/// <summary>One region of the tree as imported: what does not change while the silo runs.</summary>
public sealed class RegionInfo
{
    private readonly List<RegionInfo> children = [];

    internal RegionInfo(string code, string name, RegionLevel level, string? parentCode, bool synthetic, string boundaryJson, Envelope envelope)
    {
        Code = code;
        Name = name;
        Level = level;
        ParentCode = parentCode;
        Synthetic = synthetic;
        BoundaryJson = boundaryJson;
        Envelope = envelope;
    }

    public string Code { get; }

    public string Name { get; }

    public RegionLevel Level { get; }

    public string? ParentCode { get; }

    /// <summary>True when the boundary was derived by the importer, not supplied by a real source.</summary>
    public bool Synthetic { get; }

    /// <summary>The boundary as a GeoJSON geometry object (WGS-84).</summary>
    public string BoundaryJson { get; }

    public Envelope Envelope { get; }

    public IReadOnlyList<RegionInfo> Children => children;

    /// <summary>Grids and workers inside the region (fixed at import).</summary>
    public int GridCount { get; internal set; }

    public int WorkerCount { get; internal set; }

    internal void AddChild(RegionInfo child) => children.Add(child);
}
