using System.Net;

namespace Command.Web.Tests;

public sealed class RegionsApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task The_duty_officer_sees_the_county_with_ten_townships_160_real_villages_and_129_grids_in_Chengguan()
    {
        using var duty = await silo.As("duty");

        var county = await DemoSilo.Json(await duty.GetAsync("/api/regions/150123"));

        Assert.Equal("和林格尔县", county.GetProperty("name").GetString());
        var townships = county.GetProperty("children").EnumerateArray().ToList();
        Assert.Equal(10, townships.Count);
        Assert.Contains(townships, t => t.GetProperty("name").GetString() == "城关镇");
        var villages = new List<string>();
        foreach (var township in townships)
        {
            var detail = await DemoSilo.Json(await duty.GetAsync($"/api/regions/{township.GetProperty("code").GetString()}"));
            villages.AddRange(detail.GetProperty("children").EnumerateArray().Select(v => v.GetProperty("name").GetString()!));
        }

        Assert.Equal(160, villages.Count);
        Assert.Contains("昭君道社区", villages);
        Assert.Contains("衙门巷社区", villages);
        var chengguan = townships.Single(t => t.GetProperty("code").GetString() == DemoSilo.Chengguan);
        Assert.Equal(129, chengguan.GetProperty("counts").GetProperty("grids").GetInt32());
        Assert.Equal(county.GetProperty("counts").GetProperty("grids").GetInt32(), townships.Sum(t => t.GetProperty("counts").GetProperty("grids").GetInt32()));
    }

    [Fact]
    public async Task Boundaries_are_a_feature_collection_of_the_children_marked_synthetic()
    {
        using var duty = await silo.As("duty");

        var response = await duty.GetAsync("/api/regions/150123/boundaries");
        var geo = await DemoSilo.Json(response);

        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("FeatureCollection", geo.GetProperty("type").GetString());
        var features = geo.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(10, features.Count);
        Assert.All(features, f =>
        {
            Assert.True(f.GetProperty("properties").GetProperty("synthetic").GetBoolean());
            Assert.Contains(f.GetProperty("geometry").GetProperty("type").GetString(), new[] { "Polygon", "MultiPolygon" });
        });
    }

    [Fact]
    public async Task A_village_boundaries_are_its_grids_and_a_grid_lists_its_workers()
    {
        using var duty = await silo.As("duty");
        var village = (await DemoSilo.Json(await duty.GetAsync($"/api/regions/{DemoSilo.Chengguan}"))).GetProperty("children")[0].GetProperty("code").GetString()!;

        var grids = (await DemoSilo.Json(await duty.GetAsync($"/api/regions/{village}/boundaries"))).GetProperty("features").EnumerateArray().ToList();
        var gridCode = grids[0].GetProperty("properties").GetProperty("code").GetString()!;
        var grid = await DemoSilo.Json(await duty.GetAsync($"/api/grids/{gridCode}"));
        var sameGrid = await DemoSilo.Json(await duty.GetAsync($"/api/regions/{gridCode}"));

        Assert.Equal(15, gridCode.Length);
        Assert.StartsWith(village, gridCode, StringComparison.Ordinal);
        Assert.Equal(village, grid.GetProperty("village").GetProperty("code").GetString());
        Assert.Equal(gridCode, sameGrid.GetProperty("code").GetString());
        Assert.Equal("城关镇", grid.GetProperty("township").GetProperty("name").GetString());
        var workers = grid.GetProperty("workers").EnumerateArray().ToList();
        Assert.Contains(workers, w => w.GetProperty("kind").GetString() == "专职网格员");
        Assert.All(workers, w => Assert.Equal("离线", w.GetProperty("statusName").GetString()));
    }

    [Theory]
    [InlineData("/api/regions/15012", HttpStatusCode.BadRequest)]
    [InlineData("/api/regions/150123999", HttpStatusCode.NotFound)]
    [InlineData("/api/grids/150123100001", HttpStatusCode.NotFound)]
    [InlineData("/api/workers/999999999", HttpStatusCode.NotFound)]
    public async Task Bad_or_unknown_codes_get_a_problem_in_Chinese(string url, HttpStatusCode status)
    {
        using var duty = await silo.As("duty");

        var response = await duty.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_read_api()
    {
        using var duty = await silo.As("duty");

        var document = await DemoSilo.Json(await duty.GetAsync("/openapi/v1.json"));

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/regions/{code}", paths);
        Assert.Contains("/api/regions/{code}/boundaries", paths);
        Assert.Contains("/api/grids/{code}", paths);
        Assert.Contains("/api/workers/{id}", paths);
        Assert.Contains("/api/workers/{id}/track", paths);
        Assert.Contains("/api/positions", paths);
        Assert.Contains("/api/auth/token", paths);
    }
}
