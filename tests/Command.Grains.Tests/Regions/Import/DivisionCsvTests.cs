using Command.Grains.Regions;
using Command.Grains.Regions.Import;

namespace Command.Grains.Tests.Regions.Import;

public sealed class DivisionCsvTests
{
    private const string Header = "code,name,level,parent_code\n";

    private static IReadOnlyList<Division> Read(string text) => DivisionCsv.Read(new StringReader(text));

    [Fact]
    public void Reads_levels_parents_and_quoted_names()
    {
        var divisions = Read(Header +
            "1501,呼和浩特市,city,15\r\n" +
            "150123,和林格尔县,county,1501\r\n" +
            "150123100,\"城关镇\",township,150123\r\n" +
            "\r\n" +
            "150123100001,\"昭君道社区,\"\"居委会\"\"\",village,150123100\r\n");

        Assert.Equal(4, divisions.Count);
        Assert.Equal(new Division("1501", "呼和浩特市", RegionLevel.City, "15"), divisions[0]);
        Assert.Equal(new Division("150123100", "城关镇", RegionLevel.Township, "150123"), divisions[2]);
        Assert.Equal("昭君道社区,\"居委会\"", divisions[3].Name);
        Assert.Equal(RegionLevel.Village, divisions[3].Level);
    }

    [Theory]
    [InlineData("150123,和林格尔县,district,1501", "line 3", "bad level 'district'")]
    [InlineData("15012,和林格尔县,county,1501", "line 3", "does not match level county")]
    [InlineData("150123,和林格尔县,county,", "line 3", "missing parent")]
    [InlineData("150123,和林格尔县,county,1502", "line 3", "not the 4-digit prefix")]
    [InlineData("150123,和林格尔县,county", "line 3", "expected 4 fields but found 3")]
    [InlineData("150123,\"和林格尔县,county,1501", "line 3", "unterminated quoted field")]
    [InlineData("1501,呼和浩特市,city,15", "line 3", "already appears on line 2")]
    public void Malformed_line_throws_naming_the_line_and_problem(string line, string where, string problem)
    {
        var error = Assert.Throws<RegionImportException>(() => Read(Header + "1501,呼和浩特市,city,15\n" + line + "\n"));

        Assert.Contains(where, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_header_throws_on_line_1()
    {
        var error = Assert.Throws<RegionImportException>(() => Read("id,name\n1501,呼和浩特市,city,15\n"));

        Assert.StartsWith("line 1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_lists_have_the_published_counts()
    {
        var (tieling, _) = RegionImporter.LoadEmbedded("divisions-tieling.csv", "tieling-counties.geojson");

        Assert.Equal(7, tieling.Count(d => d.Level == RegionLevel.County));
        Assert.Equal(106, tieling.Count(d => d.Level == RegionLevel.Township));
        Assert.Equal(1471, tieling.Count(d => d.Level == RegionLevel.Village));
    }
}
