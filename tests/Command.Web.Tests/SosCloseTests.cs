using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Data;
using Command.Grains.Regions;
using Command.Web.Tests.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>解除: an SOS the worker cannot call off (a lost phone, a worker hurt) is closed by someone on duty who dealt with it.</summary>
public sealed class SosCloseTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_duty_officer_closes_a_workers_sos_with_a_note_recorded_and_every_screen_clears_it()
    {
        var (_, _, grid) = await silo.WorkerIn($"{DemoSilo.Chengguan}001");
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        await using var screen = await DashboardConnection.ConnectAsync(silo.Factory, await silo.TokenOf($"town-{DemoSilo.Chengguan}"));
        Assert.True((await screen.WatchAsync(DemoSilo.Chengguan)).GetProperty("ok").GetBoolean());
        using var worker = await silo.As($"worker-{grid}");
        var id = (await DemoSilo.Json(await worker.PostAsJsonAsync("/api/me/sos", new { lat = point.Lat, lon = point.Lon }))).GetProperty("warningId").GetString()!;
        using var duty = await silo.As("duty");

        var withoutNote = await duty.PostAsJsonAsync($"/api/warnings/{id}/close", new { note = " " });
        var closed = await DemoSilo.Json(await duty.PostAsJsonAsync($"/api/warnings/{id}/close", new { note = "已电话联系，网格员安全" }));
        var again = await duty.PostAsJsonAsync($"/api/warnings/{id}/close", new { note = "再次解除" });

        Assert.Equal(HttpStatusCode.BadRequest, withoutNote.StatusCode);
        Assert.Equal(("duty", "已电话联系，网格员安全"), (closed.GetProperty("closedBy").GetString(), closed.GetProperty("note").GetString()));
        await screen.NextChangesAsync(b => Warning(b, id) is { } w && !w.GetProperty("active").GetBoolean(), Soon);
        var listed = await DemoSilo.Json(await duty.GetAsync($"/api/warnings?kind=sos&region={grid}"));
        Assert.DoesNotContain(listed.GetProperty("items").EnumerateArray(), w => w.GetProperty("id").GetString() == id);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.DeleteAsync("/api/me/sos")).StatusCode);
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'sos-close' AND actor = 'duty' AND detail LIKE $1", $"{id}%已电话联系%"));
    }

    [Fact]
    public async Task Others_may_not_close_an_sos_and_outside_the_scope_learn_nothing()
    {
        var (_, _, grid) = await silo.WorkerIn($"{DemoSilo.Chengguan}002");
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        using var worker = await silo.As($"worker-{grid}");
        var id = (await DemoSilo.Json(await worker.PostAsJsonAsync("/api/me/sos", new { lat = point.Lat, lon = point.Lon }))).GetProperty("warningId").GetString()!;
        var note = new { note = "已处置" };

        using var otherTown = await silo.As($"town-{DemoSilo.Shengle}");
        using var village = await silo.As($"village-{grid[..12]}");
        using var police = await silo.As("dept-police");
        var elsewhere = await otherTown.PostAsJsonAsync($"/api/warnings/{id}/close", note);
        var unknown = await otherTown.PostAsJsonAsync("/api/warnings/no-such-warning/close", note);
        var byVillage = await village.PostAsJsonAsync($"/api/warnings/{id}/close", note);
        var byDepartment = await police.PostAsJsonAsync($"/api/warnings/{id}/close", note);
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        var byOwnTown = await town.PostAsJsonAsync($"/api/warnings/{id}/close", note);

        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var (a, b) = (await elsewhere.Content.ReadFromJsonAsync<JsonElement>(), await unknown.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Equal(b.GetProperty("title").GetString(), a.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, byDepartment.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byVillage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byOwnTown.StatusCode);
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM warnings WHERE id = $1 AND cleared_at IS NOT NULL", id));
    }

    private static JsonElement? Warning(JsonElement batch, string id) =>
        batch.GetProperty("warnings").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(w => w!.Value.GetProperty("id").GetString() == id);

    private async Task<long> CountAsync(string sql, params object?[] parameters)
    {
        long count = 0;
        await silo.Factory.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement(sql, parameters), r => count = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture));
        return count;
    }
}
