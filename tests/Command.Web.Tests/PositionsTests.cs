using Command.Testing;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Command.Web.Tests;

public sealed class PositionsTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private const double Lat = 40.38;
    private const double Lon = 111.82;

    [Fact]
    public async Task An_osmand_report_moves_the_worker_and_shows_in_the_track_and_patrol()
    {
        var worker = await silo.WorkerIn("150123102");
        using var phone = silo.Anonymous();
        using var duty = await silo.As("duty");
        // Three fixes a minute apart, all on today's China date (a track across midnight belongs to two days).
        var now = DateTimeOffset.UtcNow;
        var startOfDay = Command.Grains.ChinaDate.StartOf(Command.Grains.ChinaDate.Of(now));
        var t0 = now.AddMinutes(-3) < startOfDay ? startOfDay.AddSeconds(1) : now.AddMinutes(-3);

        for (var i = 0; i < 3; i++)
        {
            var url = FormattableString.Invariant($"/osmand?id={worker.DeviceId}&lat={Lat + (i * 0.001)}&lon={Lon}&timestamp={t0.AddMinutes(i).ToUnixTimeSeconds()}&speed=1.5&batt=80");
            Assert.Equal(HttpStatusCode.OK, (await phone.PostAsync(url, null)).StatusCode);
        }

        var seen = await DemoSilo.Json(await duty.GetAsync($"/api/workers/{worker.Id}"));
        var track = await DemoSilo.Json(await duty.GetAsync($"/api/workers/{worker.Id}/track?from={Uri.EscapeDataString(t0.AddMinutes(-1).ToString("O"))}"));

        Assert.Equal(Lat + 0.002, seen.GetProperty("lastPosition").GetProperty("lat").GetDouble(), 6);
        Assert.Equal("巡查中", seen.GetProperty("statusName").GetString());
        Assert.Equal(3, track.GetProperty("points").GetArrayLength());
        Assert.InRange(track.GetProperty("patrol").GetProperty("kilometres").GetDouble(), 0.20, 0.25); // 2 × 111 m
        Assert.InRange(seen.GetProperty("today").GetProperty("hours").GetDouble(), 0.03, 0.04);       // 2 minutes
    }

    [Theory]
    [InlineData("lat=91&lon=111.82", "纬度")]
    [InlineData("lat=abc&lon=111.82", "纬度")]
    [InlineData("lat=40.38&lon=181", "经度")]
    [InlineData("lat=31.23&lon=121.47", "超出所属县")]
    [InlineData("lat=40.38&lon=111.82&timestamp=FUTURE", "晚于当前时间")]
    [InlineData("lat=40.38&lon=111.82&timestamp=yesterday-ish", "时间戳")]
    [InlineData("lat=40.38&lon=111.82&batt=140", "电量")]
    public async Task A_bad_osmand_report_gets_400_and_stores_nothing(string query, string reason)
    {
        var worker = await silo.WorkerIn("150123103");
        using var phone = silo.Anonymous();
        using var admin = await silo.As("admin");
        query = query.Replace("FUTURE", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var response = await phone.GetAsync($"/osmand?id={worker.DeviceId}&{query}");
        var track = await DemoSilo.Json(await admin.GetAsync($"/api/workers/{worker.Id}/track"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, track.GetProperty("points").GetArrayLength());
    }

    [Fact]
    public async Task Odd_input_gets_a_4xx_problem_never_a_500()
    {
        var worker = await silo.WorkerIn("150123400");
        using var admin = await silo.As("admin");
        using var phone = silo.Anonymous();
        using var multipart = new StringContent("x", System.Text.Encoding.UTF8);
        multipart.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("multipart/form-data");

        HttpResponseMessage[] responses =
        [
            await admin.PostAsync("/api/positions", new StringContent("{\"positions\":[null]}", System.Text.Encoding.UTF8, "application/json")),
            await admin.PostAsync("/api/positions", new StringContent("[]", System.Text.Encoding.UTF8, "application/json")),
            await admin.PostAsync("/api/positions", new StringContent("{\"positions\":[{\"id\":1e999}]}", System.Text.Encoding.UTF8, "application/json")),
            await phone.PostAsync($"/osmand?id={worker.DeviceId}&lat=40.38&lon=111.82", multipart),
            await admin.GetAsync($"/api/workers/{worker.Id}/patrol?date=0001-01-01"),
            await admin.GetAsync($"/api/workers/{worker.Id}/patrol?date=9999-12-31"),
            await admin.GetAsync($"/api/workers/{worker.Id}/track?from=9999-12-30T00:00:00Z&to=9999-12-31T23:59:59Z"),
            await admin.GetAsync($"/api/workers/{worker.Id}/track?from=yesterday"),
            await admin.GetAsync("/api/workers?region=150123&page=2147483647&pageSize=1000"),
        ];

        Assert.All(responses, r => Assert.True((int)r.StatusCode is >= 400 and < 500, $"{r.RequestMessage?.RequestUri} answered {(int)r.StatusCode}"));
    }

    [Fact]
    public async Task An_unknown_device_id_is_refused()
    {
        using var phone = silo.Anonymous();

        var response = await phone.GetAsync("/osmand?id=not-a-device&lat=40.38&lon=111.82");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("未知的设备标识", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_is_stored_whole_or_not_at_all()
    {
        var worker = await silo.WorkerIn("150123203");
        using var gateway = await silo.As("admin");
        var now = DateTimeOffset.UtcNow;
        object Fix(int i, double lat) => new { id = worker.DeviceId, lat, lon = Lon, timestamp = now.AddSeconds(-60 + i).ToString("O") };

        var bad = await gateway.PostAsJsonAsync("/api/positions", new { positions = new[] { Fix(0, Lat), Fix(1, 95), Fix(2, Lat) } });
        var afterBad = await DemoSilo.Json(await gateway.GetAsync($"/api/workers/{worker.Id}/track"));
        var good = await gateway.PostAsJsonAsync("/api/positions", new { positions = Enumerable.Range(0, 50).Select(i => Fix(i, Lat + (i * 1e-4))).ToArray() });
        var afterGood = await DemoSilo.Json(await gateway.GetAsync($"/api/workers/{worker.Id}/track"));
        var malformed = await gateway.PostAsync("/api/positions", new StringContent("{\"positions\": [{\"lat\": \"x\"", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("positions[1]", out _));
        Assert.Equal(0, afterBad.GetProperty("points").GetArrayLength());
        Assert.Equal(50, (await DemoSilo.Json(good)).GetProperty("accepted").GetInt32());
        Assert.Equal(50, afterGood.GetProperty("points").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task A_grid_worker_may_post_only_their_own_positions()
    {
        var me = await silo.WorkerIn("150123205");
        var other = await silo.WorkerIn("150123206");
        using var phone = await silo.As($"worker-{me.GridCode}");
        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var own = await phone.PostAsJsonAsync("/api/positions", new { positions = new[] { new { id = me.DeviceId, lat = Lat, lon = Lon, timestamp = at } } });
        var theirs = await phone.PostAsJsonAsync("/api/positions", new { positions = new[] { new { id = other.DeviceId, lat = Lat, lon = Lon, timestamp = at } } });

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, theirs.StatusCode);
    }

    [Fact]
    public async Task Reporting_workers_count_as_online_up_to_the_county()
    {
        var worker = await silo.WorkerIn("150123207");
        using var phone = silo.Anonymous();
        using var duty = await silo.As("duty");
        var before = await Online(duty, "150123207");

        var url = FormattableString.Invariant($"/osmand?id={worker.DeviceId}&lat={Lat}&lon={Lon}&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}");
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync(url)).StatusCode);

        await Eventually.Until(() => Online(duty, "150123207"), online => online == before + 1, TimeSpan.FromSeconds(10), "the township's online count");
        Assert.True(await Online(duty, DemoSilo.County) >= 1);
    }

    private static async Task<int> Online(HttpClient client, string code) =>
        (await DemoSilo.Json(await client.GetAsync($"/api/regions/{code}"))).GetProperty("counts").GetProperty("online").GetInt32();
}
