using Command.Grains.Regions;
using Command.Grains.Regions.Import;

namespace Command.Grains.Tests.Regions.Import;

/// <summary>The demo county imported once for all tests of a class.</summary>
public sealed class DemoImportFixture
{
    public DemoImportFixture()
    {
        Import = RegionImporter.BuildDemo();
        ByCode = Import.Regions.ToDictionary(r => r.Code);
    }

    public RegionImport Import { get; }

    public IReadOnlyDictionary<string, ImportedRegion> ByCode { get; }

    public IEnumerable<ImportedRegion> At(RegionLevel level) => Import.Regions.Where(r => r.Level == level);

    public IEnumerable<ImportedRegion> ChildrenOf(string code) => Import.Regions.Where(r => r.ParentCode == code);
}
