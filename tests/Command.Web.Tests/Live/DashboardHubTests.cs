using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Grains.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests.Live;

/// <summary>The demo silo with sign-for limits of seconds, counted on every day.</summary>
public sealed class LiveSilo() : DemoSilo(new()
{
    ["Cases:SignYellow"] = "00:00:02",
    ["Cases:SignRed"] = "00:01:00",
    ["Calendar:WorkingDaysOnly"] = "false",
});

public sealed class DashboardHubTests(LiveSilo silo) : IClassFixture<LiveSilo>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(5);
    private static int nudges;

    [Fact]
    public async Task Duty_officer_gets_the_county_snapshot_then_a_moving_worker_and_a_new_case_as_they_happen()
    {
        await using var screen = await WatchingAsync("duty", DemoSilo.County);
        var snapshot = await WatchAsync(screen, DemoSilo.County);
        Assert.Equal("和林格尔县", snapshot.GetProperty("scope").GetProperty("name").GetString());
        var children = snapshot.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(10, children.Count);
        Assert.Contains("城关镇", children);
        Assert.Contains(snapshot.GetProperty("counters").EnumerateArray(), c => c.GetProperty("code").GetString() == DemoSilo.County && c.GetProperty("workers").GetInt32() > 0);

        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        var (lat, lon) = PointIn(worker.GridCode);
        var posted = await PostPositionAsync(worker.DeviceId, lat, lon);
        var moved = await screen.NextChangesAsync(b => WorkerOf(b, worker.Id) is not null, Soon);
        var item = WorkerOf(moved, worker.Id)!.Value;
        Assert.Equal(posted, item[1].GetDouble(), 6);
        Assert.Equal(DemoSilo.County, moved.GetProperty("scope").GetString());

        var code = await CreateCaseAsync(worker.GridCode);
        var arrived = await screen.NextChangesAsync(b => CaseOf(b, code) is not null, Soon);
        var card = CaseOf(arrived, code)!.Value;
        Assert.Equal("dispatched", card.GetProperty("status").GetString());
        Assert.Equal("待签收", card.GetProperty("statusName").GetString());
        Assert.True(card.GetProperty("open").GetBoolean());
        Assert.True(card.GetProperty("signBy").GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        // A screen that connects now gets both in its snapshot, once each, at the versions pushed before.
        await using var late = await WatchingAsync("duty", DemoSilo.County);
        var again = await WatchAsync(late, DemoSilo.County);
        Assert.Single(again.GetProperty("workers").EnumerateArray(), w => w[0].GetInt64() == worker.Id);
        Assert.True(again.GetProperty("workers").EnumerateArray().First(w => w[0].GetInt64() == worker.Id)[4].GetInt64() >= item[4].GetInt64());
        Assert.Single(again.GetProperty("cases").EnumerateArray(), c => c.GetProperty("code").GetString() == code);
    }

    [Fact]
    public async Task A_township_center_cannot_watch_another_township_or_the_county_which_answer_as_unknown()
    {
        await using var town = await WatchingAsync("town-" + DemoSilo.Chengguan, null);
        Assert.Equal("not_found", await RefusalAsync(town, DemoSilo.Shengle));
        Assert.Equal("not_found", await RefusalAsync(town, DemoSilo.County));
        Assert.Equal("not_found", await RefusalAsync(town, "150123999"));
        Assert.Equal("invalid", await RefusalAsync(town, "15012310x"));
        Assert.Equal("not_found", await RefusalAsync(town, DemoSilo.Chengguan + "999"));
        var own = await WatchAsync(town, DemoSilo.Chengguan);
        Assert.Equal("城关镇", own.GetProperty("scope").GetProperty("name").GetString());
        Assert.Equal(DemoSilo.Chengguan, Assert.Single(own.GetProperty("path").EnumerateArray()).GetProperty("code").GetString());

        // A refused call changed nothing: the township stays watched.
        Assert.Equal("not_found", await RefusalAsync(town, DemoSilo.Shengle));
        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        var (lat, lon) = PointIn(worker.GridCode);
        await PostPositionAsync(worker.DeviceId, lat, lon);
        await town.NextChangesAsync(b => WorkerOf(b, worker.Id) is not null, Soon);

        await using var police = await WatchingAsync("dept-police", null);
        Assert.Equal("forbidden", await RefusalAsync(police, DemoSilo.County));
        await using var anonymous = DashboardConnection.Create(silo.Factory, token: null);
        var unsigned = await Assert.ThrowsAnyAsync<HttpRequestException>(anonymous.StartAsync);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Fact]
    public async Task A_township_screen_gets_changes_inside_its_township_and_none_from_another()
    {
        await using var county = await WatchingAsync("duty", DemoSilo.County);
        await WatchAsync(county, DemoSilo.County);
        await using var town = await WatchingAsync("town-" + DemoSilo.Chengguan, null);
        await WatchAsync(town, DemoSilo.Chengguan);

        var outside = await silo.WorkerIn(DemoSilo.Shengle);
        var inside = await silo.WorkerIn(DemoSilo.Chengguan);
        var (olat, olon) = PointIn(outside.GridCode);
        await PostPositionAsync(outside.DeviceId, olat, olon);
        await county.NextChangesAsync(b => WorkerOf(b, outside.Id) is not null, Soon);
        var (ilat, ilon) = PointIn(inside.GridCode);
        await PostPositionAsync(inside.DeviceId, ilat, ilon);
        await county.NextChangesAsync(b => WorkerOf(b, inside.Id) is not null, Soon);
        await town.NextChangesAsync(b => WorkerOf(b, inside.Id) is not null, Soon);

        // Whatever the township screen received in all, none of it came from the other township (batches passed over while
        // waiting count too, as the county screen's shows).
        Assert.Contains(county.Received(), b => WorkerOf(b, outside.Id) is not null);
        Assert.DoesNotContain(town.Received(), b => WorkerOf(b, outside.Id) is not null);
    }

    [Fact]
    public async Task A_sign_for_warning_is_pushed_when_its_limit_passes_and_its_acknowledgement_follows()
    {
        await using var screen = await WatchingAsync("duty", DemoSilo.County);
        await WatchAsync(screen, DemoSilo.County);
        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        var code = await CreateCaseAsync(worker.GridCode);

        var raised = await screen.NextChangesAsync(b => UnsignedOf(b, code) is not null, TimeSpan.FromSeconds(15));
        var warning = UnsignedOf(raised, code)!.Value;
        Assert.Equal("未签收", warning.GetProperty("kindName").GetString());
        Assert.True(warning.GetProperty("active").GetBoolean());
        Assert.True(warning.GetProperty("lat").GetDouble() > 0, "a case warning is drawn where the case is");
        var id = warning.GetProperty("id").GetString()!;

        using var duty = await silo.As("duty");
        (await duty.PostAsync($"/api/warnings/{Uri.EscapeDataString(id)}/ack", null)).EnsureSuccessStatusCode();
        var acked = await screen.NextChangesAsync(b => b.GetProperty("warnings").EnumerateArray().Any(w => w.GetProperty("id").GetString() == id && w.GetProperty("ackedBy").GetString() == "duty"), Soon);
        var card = acked.GetProperty("warnings").EnumerateArray().First(w => w.GetProperty("id").GetString() == id);
        Assert.True(card.GetProperty("v").GetInt64() > warning.GetProperty("v").GetInt64());
        Assert.Equal(warning.GetProperty("raisedAt").GetInt64(), card.GetProperty("raisedAt").GetInt64());
    }

    /// <summary>A started connection as the user, watching the scope if one is given (disposed again if that fails).</summary>
    private async Task<DashboardConnection> WatchingAsync(string user, string? scope)
    {
        var client = await DashboardConnection.ConnectAsync(silo.Factory, await silo.TokenOf(user));
        try
        {
            if (scope is not null)
            {
                Assert.True((await client.WatchAsync(scope)).GetProperty("ok").GetBoolean());
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static async Task<JsonElement> WatchAsync(DashboardConnection client, string scope)
    {
        var result = await client.WatchAsync(scope);
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        return result.GetProperty("snapshot");
    }

    private static async Task<string?> RefusalAsync(DashboardConnection client, string scope)
    {
        var result = await client.WatchAsync(scope);
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("error").GetProperty("message").GetString()));
        return result.GetProperty("error").GetProperty("code").GetString();
    }

    private (double Lat, double Lon) PointIn(string grid) =>
        silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;

    /// <summary>
    /// Posts a fix a few metres from the point, never where an earlier one of this class was: the same worker is posted by
    /// several tests, and a repeat of the same place and status is not news to a screen (a random nudge collided once in CI).
    /// </summary>
    private async Task<double> PostPositionAsync(string deviceId, double lat, double lon)
    {
        lat += Interlocked.Increment(ref nudges) * 1e-6;
        using var admin = await silo.As("admin");
        var at = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        (await admin.PostAsJsonAsync("/api/positions", new { positions = new[] { new { id = deviceId, lat, lon, timestamp = at } } })).EnsureSuccessStatusCode();
        return lat;
    }

    private async Task<string> CreateCaseAsync(string grid)
    {
        using var duty = await silo.As("duty");
        var (lat, lon) = PointIn(grid);
        var created = await DemoSilo.Json(await duty.PostAsJsonAsync("/api/cases", new { channel = "walk_in", category = "02", urgency = "medium", title = "邻里噪音纠纷", description = "楼上装修噪音", lat, lon }));
        return created.GetProperty("code").GetString()!;
    }

    private static JsonElement? WorkerOf(JsonElement batch, long id) =>
        batch.GetProperty("workers").EnumerateArray().Where(w => w[0].GetInt64() == id).Select(w => (JsonElement?)w).LastOrDefault();

    private static JsonElement? CaseOf(JsonElement batch, string code) =>
        batch.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("code").GetString() == code).Select(c => (JsonElement?)c).LastOrDefault();

    private static JsonElement? UnsignedOf(JsonElement batch, string code) =>
        batch.GetProperty("warnings").EnumerateArray()
            .Where(w => w.GetProperty("caseCode").GetString() == code && w.GetProperty("kind").GetString() == "unsigned" && w.GetProperty("active").GetBoolean())
            .Select(w => (JsonElement?)w).LastOrDefault();
}
