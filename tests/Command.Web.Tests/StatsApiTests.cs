using System.Net;
using System.Text.Json;
using Command.Grains;
using Command.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>The figures the big screen and reports show, per region and period, and who may see them.</summary>
public sealed class StatsApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task The_duty_officer_sees_March_2020_of_the_county_counted_and_split_by_township_with_Chinese_labels()
    {
        var chengguan = (await silo.WorkerIn(DemoSilo.Chengguan)).GridCode;
        var shengle = (await silo.WorkerIn(DemoSilo.Shengle)).GridCode;
        var march = ChinaDate.StartOf(new DateOnly(2020, 3, 1));
        var april = ChinaDate.StartOf(new DateOnly(2020, 4, 1));
        await InsertCaseAsync("S-1", chengguan, "02", "closed", march, overdue: false, result: "resolved", resolvedLevel: 4, satisfaction: "satisfied");
        await InsertCaseAsync("S-2", chengguan, "02", "closed", march.AddDays(10), overdue: true, result: "not_resolved", satisfaction: "unsatisfied");
        await InsertCaseAsync("S-3", chengguan, "10", "in_progress", april.AddMinutes(-1), overdue: true);
        await InsertCaseAsync("S-4", shengle, "01", "archived", march.AddDays(3), overdue: false, result: "resolved", resolvedLevel: 3, satisfaction: "basic");
        await InsertCaseAsync("S-5", shengle, "01", "rejected", march.AddDays(4), overdue: false);
        await InsertCaseAsync("S-6", shengle, "01", "closed", april, overdue: false, result: "resolved", resolvedLevel: 4);
        using var duty = await silo.As("duty");

        var stats = await DemoSilo.Json(await duty.GetAsync($"/api/regions/{DemoSilo.County}/stats?from=2020-03-01&to=2020-03-31"));

        Assert.Equal("和林格尔县", stats.GetProperty("region").GetProperty("name").GetString());
        Assert.Equal(("2020-03-01", "2020-03-31"), (stats.GetProperty("from").GetString(), stats.GetProperty("to").GetString()));
        Assert.Equal("自定义", stats.GetProperty("periodName").GetString());
        Assert.Equal((4, 2, 0.5), (Int(stats, "accepted"), Int(stats, "resolved"), stats.GetProperty("resolutionRate").GetDouble()));
        Assert.Equal((3, 0.75), (Int(stats, "completed"), stats.GetProperty("completionRate").GetDouble()));
        var overdue = stats.GetProperty("overdue");
        Assert.Equal((0, 1, 2, 1), (Int(overdue, "normalOpen"), Int(overdue, "overdueOpen"), Int(overdue, "normalClosed"), Int(overdue, "overdueClosed")));
        Assert.Equal(0.6667, stats.GetProperty("satisfactionRate").GetDouble());
        var levels = stats.GetProperty("byLevel").EnumerateArray().ToList();
        Assert.Equal(["网格", "村(社区)", "乡镇(街道)", "县(区)"], levels.Select(l => l.GetProperty("levelName").GetString()!).ToArray());
        Assert.Equal([0.5, 0.5, 0, 0], levels.Select(l => l.GetProperty("share").GetDouble()).ToArray());
        var categories = stats.GetProperty("byCategory").EnumerateArray().ToList();
        Assert.Equal(["邻里纠纷", "婚姻家庭", "劳动争议/欠薪"], categories.Select(c => c.GetProperty("name").GetString()!).ToArray());
        var townships = stats.GetProperty("byRegion").EnumerateArray().ToList();
        Assert.Equal(10, townships.Count);
        Assert.Equal((3, 1), Row(townships, DemoSilo.Chengguan));
        Assert.Equal((1, 1), Row(townships, DemoSilo.Shengle));
        Assert.Equal(4, townships.Sum(t => Int(t, "accepted")));
        Assert.Equal("正常办理中", stats.GetProperty("labels").GetProperty("normalOpen").GetString());
        Assert.Equal("化解率", stats.GetProperty("labels").GetProperty("resolutionRate").GetString());
    }

    [Fact]
    public async Task Without_dates_it_is_this_month_so_far_and_week_starts_on_Monday()
    {
        var grid = (await silo.WorkerIn(DemoSilo.Chengguan)).GridCode;
        var today = ChinaDate.Of(DateTimeOffset.UtcNow);
        await InsertCaseAsync("S-now", grid, "17", "accepted", DateTimeOffset.UtcNow.AddSeconds(-1), overdue: false);
        using var duty = await silo.As("duty");

        var month = await DemoSilo.Json(await duty.GetAsync($"/api/regions/{grid}/stats"));
        var explicitMonth = await DemoSilo.Json(await duty.GetAsync($"/api/regions/{grid}/stats?from={today:yyyy-MM}-01&to={today:yyyy-MM-dd}"));
        var week = await DemoSilo.Json(await duty.GetAsync($"/api/regions/{grid}/stats?period=week"));
        var todayOnly = await DemoSilo.Json(await duty.GetAsync($"/api/regions/{grid}/stats?period=today"));

        Assert.Equal(($"{today:yyyy-MM}-01", $"{today:yyyy-MM-dd}", "本月"), (month.GetProperty("from").GetString(), month.GetProperty("to").GetString(), month.GetProperty("periodName").GetString()));
        Assert.Equal(Int(explicitMonth, "accepted"), Int(month, "accepted"));
        Assert.True(Int(todayOnly, "accepted") >= 1, "the case accepted a second ago counts today");
        Assert.Equal(0, Int(todayOnly, "resolved"));
        var monday = DateOnly.ParseExact(week.GetProperty("from").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DayOfWeek.Monday, monday.DayOfWeek);
        Assert.InRange(today.DayNumber - monday.DayNumber, 0, 6);
        Assert.Equal("本周", week.GetProperty("periodName").GetString());
        Assert.Empty(month.GetProperty("byRegion").EnumerateArray());
    }

    [Fact]
    public async Task A_township_user_sees_its_own_figures_and_another_township_or_the_county_answers_as_unknown()
    {
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");

        var own = await DemoSilo.Json(await town.GetAsync($"/api/regions/{DemoSilo.Chengguan}/stats?period=year"));
        var other = await town.GetAsync($"/api/regions/{DemoSilo.Shengle}/stats");
        var county = await town.GetAsync($"/api/regions/{DemoSilo.County}/stats");
        var unknown = await town.GetAsync($"/api/regions/{DemoSilo.Chengguan}999/stats");
        var outsideAndUnknown = await town.GetAsync("/api/regions/150123999/stats");

        Assert.Equal("城关镇", own.GetProperty("region").GetProperty("name").GetString());
        Assert.All(own.GetProperty("byRegion").EnumerateArray(), v => Assert.StartsWith(DemoSilo.Chengguan, v.GetProperty("code").GetString(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"区划 {DemoSilo.Shengle} 不存在", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, county.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, outsideAndUnknown.StatusCode);
        Assert.Equal(
            Refusals.Text(await other.Content.ReadAsStringAsync()).Replace(DemoSilo.Shengle, "?", StringComparison.Ordinal),
            Refusals.Text(await outsideAndUnknown.Content.ReadAsStringAsync()).Replace("150123999", "?", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("from=2020-3-1", "日期格式错误")]
    [InlineData("from=2020-03-01&to=yesterday", "日期格式错误")]
    [InlineData("from=2020-04-01&to=2020-03-31", "晚于结束日期")]
    [InlineData("from=2010-01-01&to=2020-01-01", "不能超过 10 年")]
    [InlineData("period=decade", "period 只能是")]
    [InlineData("period=week&from=2020-03-01", "不能同时使用")]
    [InlineData("from=1900-01-01&to=1900-01-31", "2000-01-01")]
    public async Task Malformed_or_unreasonable_dates_are_a_400_in_Chinese(string query, string detail)
    {
        using var duty = await silo.As("duty");

        var response = await duty.GetAsync($"/api/regions/{DemoSilo.County}/stats?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("请求无效", problem.GetProperty("title").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ten_years_to_the_day_is_still_allowed()
    {
        using var duty = await silo.As("duty");

        var response = await duty.GetAsync($"/api/regions/{DemoSilo.County}/stats?from=2010-01-01&to=2019-12-31");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task InsertCaseAsync(
        string code, string grid, string category, string status, DateTimeOffset acceptedAt, bool overdue,
        string? result = null, long? resolvedLevel = null, string? satisfaction = null)
    {
        var accepted = acceptedAt.ToUnixTimeMilliseconds();
        return silo.Factory.Services.GetRequiredService<Database>().WriteAsync(new SqlStatement(
            """
            INSERT INTO cases (code, version, county_code, township_code, village_code, grid_code, region_code, category, urgency, channel, title,
                status, level, unit_id, supervision, accepted_at, due_at, warnings, overdue, result, resolved_level, closed_at, satisfaction, updated_at, payload)
            VALUES ($1, 1, $2, $3, $4, $5, $5, $6, 'medium', 'grid', $7, $8, 4, NULL, 0, $9, NULL, 0, $10, $11, $12, NULL, $13, $9, '{}')
            """,
            code, grid[..6], grid[..9], grid[..12], grid, category, $"事件 {code}", status, accepted, overdue ? 1L : 0L, result, resolvedLevel, satisfaction));
    }

    private static int Int(JsonElement element, string property) => element.GetProperty(property).GetInt32();

    private static (int Accepted, int Resolved) Row(List<JsonElement> rows, string code)
    {
        var row = rows.Single(r => r.GetProperty("code").GetString() == code);
        return (Int(row, "accepted"), Int(row, "resolved"));
    }
}
