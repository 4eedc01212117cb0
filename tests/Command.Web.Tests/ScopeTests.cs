using System.Net;
using System.Net.Http.Json;

namespace Command.Web.Tests;

/// <summary>A user sees only their own region: every read of anything outside it answers as something that does not exist.</summary>
public sealed class ScopeTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task Every_read_of_another_township_answers_404_as_if_it_did_not_exist()
    {
        var other = await silo.WorkerIn(DemoSilo.Shengle);
        var otherVillage = other.GridCode[..12];
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");

        string[] refused =
        [
            $"/api/regions/{DemoSilo.Shengle}",
            $"/api/regions/{DemoSilo.Shengle}/boundaries",
            $"/api/regions/{otherVillage}",
            $"/api/regions/{otherVillage}/boundaries",
            $"/api/grids/{other.GridCode}",
            $"/api/workers?region={DemoSilo.Shengle}",
            $"/api/workers?region={other.GridCode}",
            $"/api/workers/{other.Id}",
            $"/api/workers/{other.Id}/track",
            $"/api/workers/{other.Id}/patrol",
            $"/api/regions/{DemoSilo.County}",
            $"/api/regions/{DemoSilo.County}/boundaries",
            $"/api/units?region={DemoSilo.Shengle}",
        ];
        foreach (var url in refused)
        {
            var response = await town.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{url} answered {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var positions = await town.PostAsJsonAsync("/api/positions", new
        {
            positions = new[] { new { id = other.DeviceId, lat = 40.38, lon = 111.82, timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, positions.StatusCode);
    }

    [Fact]
    public async Task A_township_user_sees_its_own_township_and_its_workers_only()
    {
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");

        var own = await DemoSilo.Json(await town.GetAsync($"/api/regions/{DemoSilo.Chengguan}"));
        var workers = await DemoSilo.Json(await town.GetAsync("/api/workers?pageSize=1000"));
        var home = await DemoSilo.Json(await town.GetAsync("/api/regions"));
        var units = await DemoSilo.Json(await town.GetAsync("/api/units"));

        Assert.Equal("城关镇", own.GetProperty("name").GetString());
        Assert.True(workers.GetProperty("total").GetInt32() >= 129);
        Assert.All(workers.GetProperty("items").EnumerateArray(), w => Assert.StartsWith(DemoSilo.Chengguan, w.GetProperty("gridCode").GetString(), StringComparison.Ordinal));
        Assert.All(workers.GetProperty("items").EnumerateArray(), w => Assert.Equal(System.Text.Json.JsonValueKind.Null, w.GetProperty("deviceId").ValueKind));
        Assert.Equal(DemoSilo.Chengguan, home[0].GetProperty("code").GetString());
        var names = units.EnumerateArray().Select(u => u.GetProperty("name").GetString()).ToList();
        Assert.Contains("城关镇综治中心", names);
        Assert.Contains("城关派出所", names);
        Assert.Contains("城关司法所", names);
        Assert.DoesNotContain("盛乐派出所", names);
        Assert.All(units.EnumerateArray(), u => Assert.StartsWith(DemoSilo.Chengguan, u.GetProperty("regionCode").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_grid_worker_sees_their_own_grid_but_not_the_next_one()
    {
        var me = await silo.WorkerIn(DemoSilo.Chengguan);
        using var worker = await silo.As($"worker-{me.GridCode}");
        var neighbour = me.GridCode[..12] + (int.Parse(me.GridCode[12..], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString("000", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync($"/api/grids/{me.GridCode}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync($"/api/workers/{me.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.GetAsync($"/api/grids/{neighbour}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.GetAsync($"/api/regions/{me.GridCode[..12]}")).StatusCode);
    }

    [Fact]
    public async Task Only_the_admin_sees_device_ids()
    {
        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        using var duty = await silo.As("duty");
        using var admin = await silo.As("admin");

        var asDuty = await DemoSilo.Json(await duty.GetAsync($"/api/workers/{worker.Id}"));
        var asAdmin = await DemoSilo.Json(await admin.GetAsync($"/api/workers/{worker.Id}"));

        Assert.Equal(System.Text.Json.JsonValueKind.Null, asDuty.GetProperty("deviceId").ValueKind);
        Assert.Equal(worker.DeviceId, asAdmin.GetProperty("deviceId").GetString());
    }

    [Theory]
    [InlineData("/api/regions/150123")]
    [InlineData("/api/workers/1")]
    [InlineData("/api/me")]
    public async Task Without_signing_in_the_api_answers_401(string url)
    {
        using var anonymous = silo.Anonymous();

        var response = await anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
