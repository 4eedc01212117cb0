using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Grains.Regions;
using Command.Web.Tests.Live;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>The grid worker's phone: a long sign-in, positions and SOS under the worker's own identity, and the tracker id to set up an app.</summary>
public sealed class PhoneApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_worker_signs_the_phone_in_once_for_a_month_and_other_roles_are_sent_to_a_computer()
    {
        var (_, _, grid) = await silo.WorkerIn(DemoSilo.Chengguan);
        using var browser = silo.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        var noHeader = await browser.PostAsJsonAsync("/api/me/session", new { userName = $"worker-{grid}", password = "demo" });
        var duty = await SignIn(browser, "duty");
        var worker = await SignIn(browser, $"worker-{grid}");

        Assert.Equal(HttpStatusCode.Forbidden, noHeader.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, duty.StatusCode);
        Assert.Contains("网格员", (await duty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, worker.StatusCode);
        var cookie = worker.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Web.Auth.AuthExtensions.CookieName, StringComparison.Ordinal));
        var expires = DateTimeOffset.Parse(cookie.Split("expires=", 2)[1].Split(';')[0], CultureInfo.InvariantCulture);
        Assert.True(expires > DateTimeOffset.UtcNow.AddDays(29), cookie);
        Assert.Equal($"worker-{grid}", await SignIns.WhoAsync(silo.Factory, cookie: cookie.Split(';')[0]));
    }

    [Fact]
    public async Task A_phone_session_follows_the_account_a_lock_ends_it_and_after_an_unlock_the_phone_signs_in_again()
    {
        var (_, _, grid) = await silo.WorkerIn(DemoSilo.Shengle);
        var name = $"worker-{grid}";
        using var browser = silo.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var admin = await silo.As("admin");
        var before = Cookie(await SignIn(browser, name));
        Assert.Equal(name, await SignIns.WhoAsync(silo.Factory, cookie: before));

        // The admin locks the account: the phone's month-long session ends at once. Unlocked, the phone signs in again, and
        // its new session is as good as a computer's.
        (await admin.PostAsync($"/api/users/{name}/lock", null)).EnsureSuccessStatusCode();
        using var stale = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        stale.Headers.Add("Cookie", before);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(stale)).StatusCode);
        (await admin.PostAsync($"/api/users/{name}/unlock", null)).EnsureSuccessStatusCode();
        var after = Cookie(await SignIn(browser, name));
        Assert.Equal(name, await SignIns.WhoAsync(silo.Factory, cookie: after));
    }

    [Fact]
    public async Task A_worker_sees_their_own_tracker_id_and_others_get_403()
    {
        var (id, device, grid) = await silo.WorkerIn(DemoSilo.Chengguan);
        using var worker = await silo.As($"worker-{grid}");
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");

        var me = await DemoSilo.Json(await worker.GetAsync("/api/me/worker"));

        Assert.Equal(id, me.GetProperty("id").GetInt64());
        Assert.Equal(device, me.GetProperty("deviceId").GetString());
        Assert.Equal("/osmand", me.GetProperty("trackerPath").GetString());
        Assert.False(me.TryGetProperty("categories", out _)); // the phone reads GET /api/categories, as every form does
        Assert.Equal(HttpStatusCode.Forbidden, (await town.GetAsync("/api/me/worker")).StatusCode);
    }

    [Fact]
    public async Task Positions_from_a_phone_whose_clock_is_minutes_off_are_kept_at_the_servers_time_and_bad_ones_are_still_refused()
    {
        var (id, _, grid) = await silo.WorkerIn(DemoSilo.Chengguan);
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        using var worker = await silo.As($"worker-{grid}");
        var fast = TimeSpan.FromMinutes(9); // the phone's clock runs 9 minutes ahead
        var phoneNow = DateTimeOffset.UtcNow + fast;

        var ahead = await worker.PostAsJsonAsync("/api/me/positions", new
        {
            positions = new[] { new { lat = point.Lat, lon = point.Lon, timestamp = (phoneNow - TimeSpan.FromSeconds(20)).ToUnixTimeMilliseconds() } },
            sentAt = phoneNow.ToUnixTimeMilliseconds(),
        });
        var unsaid = await worker.PostAsJsonAsync("/api/me/positions", new
        {
            positions = new[] { new { lat = point.Lat, lon = point.Lon, timestamp = phoneNow.ToUnixTimeMilliseconds() } },
        });
        var future = await worker.PostAsJsonAsync("/api/me/positions", new
        {
            positions = new[] { new { lat = point.Lat, lon = point.Lon, timestamp = (phoneNow + TimeSpan.FromMinutes(10)).ToUnixTimeMilliseconds() } },
            sentAt = phoneNow.ToUnixTimeMilliseconds(),
        });
        var faraway = await worker.PostAsJsonAsync("/api/me/positions", new
        {
            positions = new[] { new { lat = 0.0, lon = 0.0, timestamp = phoneNow.ToUnixTimeMilliseconds() } },
            sentAt = phoneNow.ToUnixTimeMilliseconds(),
        });

        // Read on the server's clock, the fix was taken 20 seconds ago, not 9 minutes from now.
        Assert.Equal(1, (await DemoSilo.Json(ahead)).GetProperty("accepted").GetInt32());
        var seen = (await DemoSilo.Json(await worker.GetAsync($"/api/workers/{id}"))).GetProperty("lastPosition").GetProperty("time").GetDateTimeOffset();
        Assert.InRange(seen, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(2), DateTimeOffset.UtcNow);

        // Without its clock the batch is taken as it says (and 9 minutes ahead is refused); a fix ahead of the phone's own
        // clock, or outside the county, is refused whatever the clock.
        Assert.Equal(HttpStatusCode.BadRequest, unsaid.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, faraway.StatusCode);
    }

    [Fact]
    public async Task Positions_sent_without_any_device_id_move_the_signed_in_worker()
    {
        var (id, _, grid) = await silo.WorkerIn(DemoSilo.Shengle);
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        using var worker = await silo.As($"worker-{grid}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var response = await worker.PostAsJsonAsync("/api/me/positions", new
        {
            positions = new[] { new { lat = point.Lat, lon = point.Lon, timestamp = now - 2000 }, new { lat = point.Lat + 0.0002, lon = point.Lon, timestamp = now - 1000 } },
        });
        var bad = await worker.PostAsJsonAsync("/api/me/positions", new { positions = new[] { new { lat = 0.0, lon = 0.0, timestamp = now } } });

        Assert.Equal(2, (await DemoSilo.Json(response)).GetProperty("accepted").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var seen = await DemoSilo.Json(await worker.GetAsync($"/api/workers/{id}"));
        Assert.Equal(point.Lat + 0.0002, seen.GetProperty("lastPosition").GetProperty("lat").GetDouble(), 6);
    }

    [Fact]
    public async Task An_SOS_reaches_the_county_screen_red_at_the_workers_place_and_the_worker_can_call_it_off()
    {
        var (id, _, grid) = await silo.WorkerIn($"{DemoSilo.Chengguan}001");
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        await using var screen = await DashboardConnection.ConnectAsync(silo.Factory, await silo.TokenOf("duty"));
        Assert.True((await screen.WatchAsync(DemoSilo.County)).GetProperty("ok").GetBoolean());
        using var worker = await silo.As($"worker-{grid}");

        var raised = await DemoSilo.Json(await worker.PostAsJsonAsync("/api/me/sos", new { lat = point.Lat, lon = point.Lon }));
        var warningId = raised.GetProperty("warningId").GetString()!;

        var batch = await screen.NextChangesAsync(b => Warning(b, warningId) is { } w && w.GetProperty("active").GetBoolean(), Soon);
        var card = Warning(batch, warningId)!.Value;
        Assert.Equal("一键报警", card.GetProperty("kindName").GetString());
        Assert.Equal(2, card.GetProperty("level").GetInt32());
        Assert.Equal(id, card.GetProperty("workerId").GetInt64());
        Assert.Equal(point.Lat, card.GetProperty("lat").GetDouble(), 6);
        using var duty = await silo.As("duty");
        var listed = await DemoSilo.Json(await duty.GetAsync($"/api/warnings?kind=sos&region={grid}"));
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), w => w.GetProperty("id").GetString() == warningId);

        Assert.Equal(HttpStatusCode.NoContent, (await worker.DeleteAsync("/api/me/sos")).StatusCode);
        await screen.NextChangesAsync(b => Warning(b, warningId) is { } w && !w.GetProperty("active").GetBoolean(), Soon);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.DeleteAsync("/api/me/sos")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await duty.PostAsJsonAsync("/api/me/sos", new { lat = point.Lat, lon = point.Lon })).StatusCode);
    }

    [Fact]
    public async Task A_tracker_apps_alarm_sos_raises_the_same_warning()
    {
        var (id, device, grid) = await silo.WorkerIn($"{DemoSilo.Chengguan}002");
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        using var tracker = silo.Anonymous();

        var response = await tracker.GetAsync(string.Create(CultureInfo.InvariantCulture,
            $"/osmand?id={device}&lat={point.Lat}&lon={point.Lon}&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}&alarm=sos"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var duty = await silo.As("duty");
        var listed = await DemoSilo.Json(await duty.GetAsync($"/api/warnings?kind=sos&region={grid}"));
        var warning = Assert.Single(listed.GetProperty("items").EnumerateArray(), w => w.GetProperty("workerId").GetInt64() == id);
        Assert.Equal("red", warning.GetProperty("level").GetString());
    }

    [Fact]
    public async Task An_SOS_whose_position_is_outside_the_county_still_raises_the_red_warning_at_the_last_known_place()
    {
        var (id, _, grid) = await silo.WorkerIn($"{DemoSilo.Chengguan}003");
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        await using var screen = await DashboardConnection.ConnectAsync(silo.Factory, await silo.TokenOf("duty"));
        Assert.True((await screen.WatchAsync(DemoSilo.County)).GetProperty("ok").GetBoolean());
        using var worker = await silo.As($"worker-{grid}");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        (await worker.PostAsJsonAsync("/api/me/positions", new { positions = new[] { new { lat = point.Lat, lon = point.Lon, timestamp = now - 1000 } } })).EnsureSuccessStatusCode();

        // A reading hundreds of kilometres away (a GPS glitch, a spoofed place): the alarm is raised all the same.
        var response = await worker.PostAsJsonAsync("/api/me/sos", new { lat = point.Lat + 5, lon = point.Lon, accuracy = 20.0 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raised = await DemoSilo.Json(response);
        var warningId = raised.GetProperty("warningId").GetString()!;
        Assert.True(raised.GetProperty("active").GetBoolean());
        Assert.Contains("位置未被采用", raised.GetProperty("positionRefused").GetString(), StringComparison.Ordinal);
        var batch = await screen.NextChangesAsync(b => Warning(b, warningId) is { } w && w.GetProperty("active").GetBoolean(), Soon);
        var card = Warning(batch, warningId)!.Value;
        Assert.Equal(2, card.GetProperty("level").GetInt32());
        Assert.Equal(id, card.GetProperty("workerId").GetInt64());
        Assert.Equal(point.Lat, card.GetProperty("lat").GetDouble(), 6); // the last known place, not the refused one
        var seen = await DemoSilo.Json(await worker.GetAsync($"/api/workers/{id}"));
        Assert.Equal(point.Lat, seen.GetProperty("lastPosition").GetProperty("lat").GetDouble(), 6); // the refused place is not stored

        // The phone's fresher fix moves the same warning; once called off, a late fresher fix raises nothing.
        var fresher = new { lat = point.Lat + 0.0003, lon = point.Lon, timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), renew = true };
        var moved = await DemoSilo.Json(await worker.PostAsJsonAsync("/api/me/sos", fresher));
        Assert.Equal(warningId, moved.GetProperty("warningId").GetString());
        var movedCard = Warning(await screen.NextChangesAsync(b => Warning(b, warningId) is { } w && w.GetProperty("lat").GetDouble() > point.Lat + 0.0001, Soon), warningId)!.Value;
        Assert.True(movedCard.GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await worker.DeleteAsync("/api/me/sos")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.PostAsJsonAsync("/api/me/sos", fresher)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.DeleteAsync("/api/me/sos")).StatusCode);
    }

    [Fact]
    public async Task A_tracker_apps_alarm_sos_with_a_stale_timestamp_still_raises_the_warning()
    {
        var (id, device, grid) = await silo.WorkerIn($"{DemoSilo.Chengguan}004");
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        using var tracker = silo.Anonymous();
        var stale = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds();

        var response = await tracker.GetAsync(string.Create(CultureInfo.InvariantCulture,
            $"/osmand?id={device}&lat={point.Lat}&lon={point.Lon}&timestamp={stale}&alarm=sos"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("位置未被采用", (await DemoSilo.Json(response)).GetProperty("positionRefused").GetString(), StringComparison.Ordinal);
        using var duty = await silo.As("duty");
        var listed = await DemoSilo.Json(await duty.GetAsync($"/api/warnings?kind=sos&region={grid}"));
        var warning = Assert.Single(listed.GetProperty("items").EnumerateArray(), w => w.GetProperty("workerId").GetInt64() == id);
        Assert.Equal("red", warning.GetProperty("level").GetString());

        // The same for a clock far ahead and for a fix that cannot be read at all: the alarm stands, only the place is dropped.
        var ahead = DateTimeOffset.UtcNow.AddHours(3).ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.OK, (await tracker.GetAsync(string.Create(CultureInfo.InvariantCulture,
            $"/osmand?id={device}&lat={point.Lat}&lon={point.Lon}&timestamp={ahead}&alarm=sos"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tracker.GetAsync($"/osmand?id={device}&lat=north&lon=east&alarm=sos")).StatusCode);
    }

    private static Task<HttpResponseMessage> SignIn(HttpClient browser, string userName)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/me/session") { Content = JsonContent.Create(new { userName, password = "demo" }) };
        request.Headers.Add(Web.Auth.CrossSiteGuard.Header, "1");
        return browser.SendAsync(request);
    }

    private static string Cookie(HttpResponseMessage signedIn) =>
        signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Web.Auth.AuthExtensions.CookieName, StringComparison.Ordinal)).Split(';')[0];

    private static JsonElement? Warning(JsonElement batch, string id) =>
        batch.GetProperty("warnings").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(w => w!.Value.GetProperty("id").GetString() == id);
}
