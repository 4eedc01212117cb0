using System.Diagnostics;
using Command.Grains.Regions;
using Command.Grains.Regions.Import;
using Xunit.Abstractions;

namespace Command.Grains.Tests.Regions.Import;

public sealed class TielingImportTests(ITestOutputHelper output)
{
    [Fact]
    public void Tieling_city_builds_about_12000_grids_and_15000_workers_each_with_its_boundary()
    {
        var clock = Stopwatch.StartNew();
        var import = RegionImporter.BuildTieling();
        clock.Stop();

        using var process = Process.GetCurrentProcess();
        output.WriteLine(
            $"铁岭市: {import.Regions.Count} regions, {import.Workers.Count} workers in {clock.ElapsedMilliseconds} ms; " +
            $"peak working set {process.PeakWorkingSet64 / (1024 * 1024)} MiB");
        int Count(RegionLevel level) => import.Regions.Count(r => r.Level == level);
        Assert.Equal(1, Count(RegionLevel.City));
        Assert.Equal(7, Count(RegionLevel.County));
        Assert.Equal(106, Count(RegionLevel.Township));
        Assert.Equal(1471, Count(RegionLevel.Village));
        Assert.InRange(Count(RegionLevel.Grid), 11_000, 13_000);
        Assert.InRange(import.Workers.Count, 14_000, 16_000);
        Assert.All(import.Regions, r => PartitionAssert.IsBoundary(r.Boundary, r.Code));
    }
}
