namespace Command.Grains.Regions.Import;

/// <summary>The outcome of an import: the region tree and the grid workers.</summary>
/// <param name="Regions">Every region, parents before children: by level, then by code.</param>
/// <param name="Workers">The workers by grid code, then sequence.</param>
public sealed record RegionImport(IReadOnlyList<ImportedRegion> Regions, IReadOnlyList<ImportedWorker> Workers);
