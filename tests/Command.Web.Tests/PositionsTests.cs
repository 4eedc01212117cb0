using Command.Grains.Regions;
using Command.Grains.Workers;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
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
    [InlineData("lat=abc&lon=111.82", "纬度")]
    [InlineData("location=40.38", "位置")]
    [InlineData("lat=40.38&lon=111.82&timestamp=yesterday-ish", "时间戳")]
    [InlineData("lat=40.38&lon=111.82&speed=fast", "speed")]
    public async Task An_unreadable_osmand_report_gets_400_and_stores_nothing(string query, string reason)
    {
        var worker = await silo.WorkerIn("150123103");
        using var phone = silo.Anonymous();
        using var admin = await silo.As("admin");

        var response = await phone.GetAsync($"/osmand?id={worker.DeviceId}&{query}");
        var track = await DemoSilo.Json(await admin.GetAsync($"/api/workers/{worker.Id}/track"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, track.GetProperty("points").GetArrayLength());
    }

    /// <summary>
    /// A readable fix we do not take is answered 200 with why, as Traccar answers a known device: a tracker app resends a
    /// refused record until it is taken, and everything queued behind it would never arrive.
    /// </summary>
    [Theory]
    [InlineData("lat=91&lon=111.82", "纬度")]
    [InlineData("lat=40.38&lon=181", "经度")]
    [InlineData("lat=31.23&lon=121.47", "超出所属县")]
    [InlineData("lat=40.38&lon=111.82&timestamp=FUTURE", "晚于当前时间")]
    [InlineData("lat=40.38&lon=111.82&timestamp=LASTMONTH", "时间")]
    [InlineData("lat=40.38&lon=111.82&batt=140", "电量")]
    public async Task A_readable_fix_that_is_refused_is_answered_200_saying_it_was_not_stored(string query, string reason)
    {
        var worker = await silo.WorkerIn("150123103");
        using var phone = silo.Anonymous();
        using var admin = await silo.As("admin");
        query = query
            .Replace("FUTURE", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("LASTMONTH", DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var response = await phone.GetAsync($"/osmand?id={worker.DeviceId}&{query}");
        var answer = await DemoSilo.Json(response);
        var track = await DemoSilo.Json(await admin.GetAsync($"/api/workers/{worker.Id}/track"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(answer.GetProperty("stored").GetBoolean());
        Assert.Contains(reason, answer.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, track.GetProperty("points").GetArrayLength());
    }

    [Fact]
    public async Task A_location_with_an_altitude_and_a_json_type_with_an_empty_body_are_read_from_the_query()
    {
        var worker = await silo.WorkerIn("150123401");
        using var phone = silo.Anonymous();
        using var admin = await silo.As("admin");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var first = await phone.PostAsync($"/osmand?id={worker.DeviceId}&location=40.38,111.82,1100&timestamp={now - 60}", null);
        using var empty = new ByteArrayContent([]);
        empty.Headers.ContentType = new("application/json");
        using var second = await phone.PostAsync($"/osmand?id={worker.DeviceId}&lat=40.381&lon=111.821&timestamp={now}", empty);
        var track = await DemoSilo.Json(await admin.GetAsync($"/api/workers/{worker.Id}/track"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, track.GetProperty("points").GetArrayLength());
        Assert.Equal(111.82, track.GetProperty("points")[0].GetProperty("lon").GetDouble(), 6);
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

    [Fact]
    public async Task A_Traccar_Client_json_report_moves_the_worker_with_its_speed_in_metres_per_second()
    {
        var (worker, lat, lon) = WorkerAt(40);
        using var phone = silo.Anonymous();
        using var admin = await silo.As("admin");

        // The body the Traccar Client (9 and later) posts, field for field.
        var response = await phone.PostAsJsonAsync("/osmand", new
        {
            location = new
            {
                timestamp = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                coords = new { latitude = lat, longitude = lon, accuracy = 8.5, speed = 1.5, heading = 90.0, altitude = 1050.0 },
                is_moving = true,
                odometer = 1234.5,
                @event = "motionchange",
                battery = new { level = 0.8, is_charging = false },
                activity = new { type = "walking" },
                extras = new { },
            },
            device_id = worker.DeviceId,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var last = (await DemoSilo.Json(await admin.GetAsync($"/api/workers/{worker.Id}"))).GetProperty("lastPosition");
        Assert.Equal(lat, last.GetProperty("lat").GetDouble(), 6);
        Assert.Equal(lon, last.GetProperty("lon").GetDouble(), 6);
        Assert.Equal(1.5, last.GetProperty("speed").GetDouble(), 3);      // m/s as sent
        Assert.Equal(90, last.GetProperty("bearing").GetDouble(), 3);
        Assert.Equal(80, last.GetProperty("battery").GetDouble(), 3);     // the fraction 0.8 as a percentage
    }

    [Theory]
    [InlineData(41, "query", "location={0},{1}&heading=45&speed=10")]
    [InlineData(42, "query", "lat={0}&lon={1}&heading=45&speed=10")]
    [InlineData(43, "form", "lat={0}&lon={1}&bearing=45&speed=10")]
    [InlineData(44, "multipart", "location={0},{1}&heading=45&speed=10")]
    public async Task Each_osmand_form_moves_the_worker_with_its_speed_read_as_knots(int index, string how, string fields)
    {
        var (worker, lat, lon) = WorkerAt(index);
        using var phone = silo.Anonymous();
        using var admin = await silo.As("admin");
        var values = string.Format(CultureInfo.InvariantCulture, fields, lat, lon) + $"&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
        var pairs = values.Split('&').Select(p => p.Split('=', 2)).Select(p => new KeyValuePair<string, string>(p[0], p[1])).ToList();

        using var multipart = new MultipartFormDataContent();
        foreach (var (key, value) in pairs)
        {
            multipart.Add(new StringContent(value), key);
        }

        var response = how switch
        {
            "query" => await phone.GetAsync($"/osmand?id={worker.DeviceId}&{values}"),
            "form" => await phone.PostAsync("/osmand", new FormUrlEncodedContent(pairs.Prepend(new KeyValuePair<string, string>("id", worker.DeviceId)))),
            _ => await phone.PostAsync($"/osmand?id={worker.DeviceId}", multipart),
        };

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var last = (await DemoSilo.Json(await admin.GetAsync($"/api/workers/{worker.Id}"))).GetProperty("lastPosition");
        Assert.Equal(lat, last.GetProperty("lat").GetDouble(), 6);
        Assert.Equal(lon, last.GetProperty("lon").GetDouble(), 6);
        Assert.Equal(45, last.GetProperty("bearing").GetDouble(), 3);
        Assert.Equal(5.144, last.GetProperty("speed").GetDouble(), 3);    // 10 knots, stored in m/s
    }

    [Fact]
    public async Task An_alarm_sos_raises_one_SOS_warning_for_duty_and_a_repeat_moves_it_instead_of_raising_another()
    {
        var (worker, lat, lon) = WorkerAt(45);
        using var tracker = silo.Anonymous();
        using var duty = await silo.As("duty");
        var now = DateTimeOffset.UtcNow;

        var first = await DemoSilo.Json(await tracker.GetAsync(string.Create(CultureInfo.InvariantCulture,
            $"/osmand?id={worker.DeviceId}&lat={lat}&lon={lon}&timestamp={now.AddSeconds(-10).ToUnixTimeSeconds()}&alarm=sos")));
        // The Traccar Client's SOS button: its JSON location with extras.alarm, a little further on.
        var again = await DemoSilo.Json(await tracker.PostAsJsonAsync("/osmand", new
        {
            device_id = worker.DeviceId,
            location = new { timestamp = now.ToString("O"), coords = new { latitude = lat + 0.0002, longitude = lon, speed = 0.0, heading = -1.0 }, extras = new { alarm = "sos" } },
        }));

        var warningId = first.GetProperty("warningId").GetString();
        Assert.Equal(warningId, again.GetProperty("warningId").GetString());
        var listed = await DemoSilo.Json(await duty.GetAsync($"/api/warnings?kind=sos&region={worker.GridCode}"));
        var warning = Assert.Single(listed.GetProperty("items").EnumerateArray(), w => w.GetProperty("workerId").GetInt64() == worker.Id);
        Assert.Equal(warningId, warning.GetProperty("id").GetString());
        Assert.Equal("red", warning.GetProperty("level").GetString());
        var last = (await DemoSilo.Json(await duty.GetAsync($"/api/workers/{worker.Id}"))).GetProperty("lastPosition");
        Assert.Equal(lat + 0.0002, last.GetProperty("lat").GetDouble(), 6);
        Assert.False(last.TryGetProperty("bearing", out var bearing) && bearing.ValueKind == JsonValueKind.Number); // -1: not known
    }

    [Fact]
    public async Task A_report_without_a_position_is_accepted_as_Traccar_accepts_it_and_stores_nothing()
    {
        var (worker, _, _) = WorkerAt(46);
        using var tracker = silo.Anonymous();
        using var admin = await silo.As("admin");

        HttpResponseMessage[] answers =
        [
            await tracker.GetAsync($"/osmand?id={worker.DeviceId}"),                                             // a heartbeat
            await tracker.GetAsync($"/osmand?id={worker.DeviceId}&cell=460,0,4326,12345,-70&batt=50"),          // a cell tower only
            await tracker.GetAsync($"/osmand?id={worker.DeviceId}&wifi=00-11-22-33-44-55,-60&cell=460,0,4326,12345"),
            await tracker.GetAsync($"/osmand?id={worker.DeviceId}&lat=0&lon=0&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}"), // no fix yet
            await tracker.PostAsJsonAsync("/osmand", new { device_id = worker.DeviceId, location = new { timestamp = DateTimeOffset.UtcNow.ToString("O"), @event = "heartbeat" } }),
        ];

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var seen = await DemoSilo.Json(await admin.GetAsync($"/api/workers/{worker.Id}"));
        var track = await DemoSilo.Json(await admin.GetAsync($"/api/workers/{worker.Id}/track"));
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("lastPosition").ValueKind);
        Assert.Equal(0, track.GetProperty("points").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await tracker.GetAsync("/osmand?id=not-a-device&cell=460,0,4326,12345")).StatusCode); // as Traccar: unknown devices are refused
    }

    [Fact]
    public async Task A_truncated_multipart_report_gets_a_400_problem_in_Chinese_and_stores_nothing()
    {
        var (worker, lat, lon) = WorkerAt(47);
        using var tracker = silo.Anonymous();
        using var admin = await silo.As("admin");
        var cut = string.Create(CultureInfo.InvariantCulture,
            $"--b\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n{worker.DeviceId}\r\n--b\r\nContent-Disposition: form-data; name=\"lat\"\r\n\r\n{lat}\r\n--b\r\nContent-Disposition: form-data; name=\"lon\"\r\n\r\n{lon}");
        using var body = new ByteArrayContent(Encoding.ASCII.GetBytes(cut));
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        var response = await tracker.PostAsync($"/osmand?id={worker.DeviceId}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("请求无效", problem.GetProperty("title").GetString());
        Assert.Contains("表单", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await DemoSilo.Json(await admin.GetAsync($"/api/workers/{worker.Id}/track"))).GetProperty("points").GetArrayLength());
    }

    /// <summary>A worker of 城关镇 by index (each test its own, so they do not see each other's reports) and a point in their grid.</summary>
    private (WorkerInfo Worker, double Lat, double Lon) WorkerAt(int index)
    {
        var directory = silo.Factory.Services.GetRequiredService<RegionDirectory>();
        var worker = directory.WorkersWithin(DemoSilo.Chengguan).ElementAt(index);
        var (lat, lon) = directory.PointInside(worker.GridCode)!.Value;
        return (worker, lat, lon);
    }

    private static async Task<int> Online(HttpClient client, string code) =>
        (await DemoSilo.Json(await client.GetAsync($"/api/regions/{code}"))).GetProperty("counts").GetProperty("online").GetInt32();
}
