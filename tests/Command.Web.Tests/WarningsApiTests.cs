using System.Globalization;
using System.Net;
using System.Text.Json;
using Command.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>The big screen's warning list and acknowledgements, within the user's scope.</summary>
public sealed class WarningsApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task A_township_user_lists_its_own_active_warnings_newest_first_in_Chinese()
    {
        var grid = await GridAsync(1);
        var other = (await silo.WorkerIn(DemoSilo.Shengle)).GridCode;
        var now = DateTimeOffset.UtcNow;
        var older = await InsertAsync("overdue", 2, grid, now.AddMinutes(-30));
        var newer = await InsertAsync("unsigned", 1, grid, now.AddMinutes(-10));
        var cleared = await InsertAsync("hot_spot", 1, grid, now.AddMinutes(-5), cleared: true);
        var elsewhere = await InsertAsync("worker_offline", 1, other, now.AddMinutes(-1));
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");

        var own = await DemoSilo.Json(await town.GetAsync("/api/warnings?pageSize=1000"));
        var gridActive = await DemoSilo.Json(await town.GetAsync($"/api/warnings?region={grid}"));
        var gridAll = await DemoSilo.Json(await town.GetAsync($"/api/warnings?region={grid}&all=true"));
        var overdue = await DemoSilo.Json(await town.GetAsync($"/api/warnings?region={grid}&kind=overdue"));
        var refused = await town.GetAsync($"/api/warnings?region={DemoSilo.Shengle}");
        var badKind = await town.GetAsync("/api/warnings?kind=fire");
        var badAll = await town.GetAsync("/api/warnings?all=yes");

        var ownIds = Ids(own);
        Assert.Contains(newer, ownIds);
        Assert.DoesNotContain(elsewhere, ownIds);
        Assert.DoesNotContain(cleared, ownIds);
        Assert.Equal([newer, older], Ids(gridActive));
        Assert.Equal(2, gridActive.GetProperty("total").GetInt32());
        Assert.Equal([cleared, newer, older], Ids(gridAll));
        Assert.Equal([older], Ids(overdue));
        var first = overdue.GetProperty("items")[0];
        Assert.Equal(("超期", "red", "红色"), (first.GetProperty("kindName").GetString(), first.GetProperty("level").GetString(), first.GetProperty("levelName").GetString()));
        Assert.Equal(TimeSpan.FromHours(8), first.GetProperty("raisedAt").GetDateTimeOffset().Offset);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("ackedBy").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        Assert.Contains("预警类型 fire 无效", await badKind.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badAll.StatusCode);
        Assert.Contains("请求无效", await badAll.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_ack_is_recorded_and_a_second_is_a_409_naming_who_acked_and_when()
    {
        var grid = await GridAsync(2);
        var id = await InsertAsync("red_risk", 2, grid, DateTimeOffset.UtcNow.AddMinutes(-3));
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        using var duty = await silo.As("duty");

        var acked = await DemoSilo.Json(await town.PostAsync($"/api/warnings/{id}/ack", null));
        var again = await duty.PostAsync($"/api/warnings/{id}/ack", null);
        var listed = await DemoSilo.Json(await duty.GetAsync($"/api/warnings?region={grid}"));

        Assert.Equal($"town-{DemoSilo.Chengguan}", acked.GetProperty("ackedBy").GetString());
        var ackedAt = acked.GetProperty("ackedAt").GetDateTimeOffset();
        Assert.InRange(DateTimeOffset.UtcNow - ackedAt, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("预警已被确认", problem.GetProperty("title").GetString());
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("城关镇", detail, StringComparison.Ordinal);
        Assert.Contains(ackedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), detail, StringComparison.Ordinal);
        Assert.Equal($"town-{DemoSilo.Chengguan}", problem.GetProperty("ackedBy").GetString());
        var item = listed.GetProperty("items").EnumerateArray().Single(w => w.GetProperty("id").GetString() == id);
        Assert.Equal($"town-{DemoSilo.Chengguan}", item.GetProperty("ackedBy").GetString());
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM audit_log WHERE action = 'warning-ack' AND target = '{id}'"));
    }

    [Fact]
    public async Task Acking_a_warning_of_another_township_answers_as_a_missing_one_and_leaves_it_unacked()
    {
        var other = (await silo.WorkerIn(DemoSilo.Shengle)).GridCode;
        var id = await InsertAsync("overdue", 1, other, DateTimeOffset.UtcNow.AddMinutes(-3));
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        using var duty = await silo.As("duty");

        var refused = await town.PostAsync($"/api/warnings/{id}/ack", null);
        var missing = await town.PostAsync($"/api/warnings/{id}x/ack", null);
        var byDuty = await duty.PostAsync($"/api/warnings/{id}/ack", null);

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(Refusals.Text(await missing.Content.ReadAsStringAsync()).Replace(id + "x", id, StringComparison.Ordinal), Refusals.Text(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, byDuty.StatusCode);
        Assert.Equal("duty", (await DemoSilo.Json(byDuty)).GetProperty("ackedBy").GetString());
    }

    [Fact]
    public async Task Acking_an_unknown_warning_is_a_404()
    {
        using var duty = await silo.As("duty");

        var response = await duty.PostAsync($"/api/warnings/{Guid.NewGuid():N}/ack", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("不存在", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A grid of 城关镇 of its own for each test, so one test's warnings do not show in another's list.</summary>
    private async Task<string> GridAsync(int index)
    {
        using var admin = await silo.As("admin");
        var workers = await DemoSilo.Json(await admin.GetAsync($"/api/workers?region={DemoSilo.Chengguan}&pageSize=100"));
        return workers.GetProperty("items").EnumerateArray().Select(w => w.GetProperty("gridCode").GetString()!).Distinct().ElementAt(index);
    }

    private async Task<string> InsertAsync(string kind, long level, string grid, DateTimeOffset raisedAt, bool cleared = false)
    {
        var id = Guid.NewGuid().ToString("N");
        var raised = raisedAt.ToUnixTimeMilliseconds();
        await silo.Factory.Services.GetRequiredService<Database>().WriteAsync(new SqlStatement(
            """
            INSERT INTO warnings (id, kind, level, subject, case_code, worker_id, region_code, county_code, message, raised_at, cleared_at, acked_by, acked_at)
            VALUES ($1, $2, $3, $4, NULL, NULL, $4, $5, $6, $7, $8, NULL, NULL)
            """,
            id, kind, level, grid, grid[..6], $"网格 {grid} 预警", raised, cleared ? raised + 60_000 : null));
        return id;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        long value = 0;
        await silo.Factory.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement(sql), r => value = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture));
        return value;
    }

    private static string[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(w => w.GetProperty("id").GetString()!)];
}
