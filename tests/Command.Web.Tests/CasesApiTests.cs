using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Command.Grains.Regions;
using Command.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>The case API as the demo county's people use it.</summary>
public sealed class CasesApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private const string Chengguan = DemoSilo.Chengguan;

    [Fact]
    public async Task A_reported_point_finds_its_grid_and_the_rule_table_sends_police_matters_to_the_police_station()
    {
        var (grid, lat, lon) = await GridIn(Chengguan);
        using var duty = await silo.As("duty");
        var created = await Create(duty, new { channel = "walk_in", category = "14", urgency = "medium", title = "夜间有人聚集滋事", description = "群众来访反映", lat, lon });

        Assert.Equal(grid, created.GetProperty("gridCode").GetString());
        Assert.Equal(grid[..12], created.GetProperty("villageCode").GetString());
        Assert.Equal(Chengguan, created.GetProperty("townshipCode").GetString());
        Assert.Equal($"dept-{Chengguan}-police", created.GetProperty("dispatchedTo").GetProperty("id").GetString());
        Assert.Matches(@"^150123-\d{8}-\d{4}$", created.GetProperty("code").GetString());

        var view = await DemoSilo.Json(await duty.GetAsync($"/api/cases/{created.GetProperty("code").GetString()}"));
        Assert.Equal("dispatched", view.GetProperty("status").GetString());
        Assert.Equal("待签收", view.GetProperty("statusName").GetString());
        var history = view.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["accept", "dispatch"], history.Select(e => e.GetProperty("action").GetString()!).ToArray());
        Assert.False(string.IsNullOrEmpty(history[1].GetProperty("detail").GetProperty("ruleName").GetString()));
    }

    [Theory]
    [InlineData("01", "village")]
    [InlineData("10", "dept-150123-hrss")]
    [InlineData("07", "dept-150123100-justice")]
    public async Task Default_rules_send_family_disputes_to_the_village_wage_arrears_to_hrss_and_land_to_the_justice_office(string category, string expected)
    {
        var (grid, lat, lon) = await GridIn(Chengguan);
        using var duty = await silo.As("duty");
        var created = await Create(duty, new { channel = "online", category, urgency = "low", title = "测试", description = "测试", lat, lon });
        var to = created.GetProperty("dispatchedTo").GetProperty("id").GetString();
        Assert.Equal(expected == "village" ? $"village-{grid[..12]}" : expected, to);
    }

    [Fact]
    public async Task Bad_input_gets_a_4xx_and_stores_nothing()
    {
        var (_, lat, lon) = await GridIn(Chengguan);
        using var duty = await silo.As("duty");
        var before = await CountCases();
        object[] bad =
        [
            new { channel = "walk_in", category = "55", urgency = "low", title = "t", description = "d", lat, lon },
            new { channel = "walk_in", category = "02", urgency = "urgent", title = "t", description = "d", lat, lon },
            new { channel = "fax", category = "02", urgency = "low", title = "t", description = "d", lat, lon },
            new { channel = "walk_in", category = "02", urgency = "low", title = "t", description = "d", regionCode = "150123999" },
            new { channel = "walk_in", category = "02", urgency = "low", title = "t", description = "d", lat = 0.0, lon = 0.0 },
            new { channel = "walk_in", category = "02", urgency = "low", title = "t", description = "d", lat },
            new { channel = "walk_in", category = "02", urgency = "low", title = "", description = "d", lat, lon },
            new { channel = "hotline", category = "02", urgency = "low", title = "t", description = "d", lat, lon },
            new { channel = "grid", category = "02", urgency = "low", title = "t", description = "d", lat, lon },
        ];
        foreach (var body in bad)
        {
            var response = await duty.PostAsJsonAsync("/api/cases", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)} → {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await duty.PostAsync("/api/cases", new StringContent("{\"channel\":", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await duty.PostAsync("/api/cases", new StringContent("[1,2]", Encoding.UTF8, "application/json"))).StatusCode);
        var huge = JsonSerializer.Serialize(new { channel = "walk_in", category = "02", urgency = "low", title = "t", description = new string('x', 100_000), lat, lon });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await duty.PostAsync("/api/cases", new StringContent(huge, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(before, await CountCases());
    }

    [Fact]
    public async Task A_township_sees_and_acts_only_on_its_own_cases_and_another_townships_answer_as_missing()
    {
        using var duty = await silo.As("duty");
        var code = (await Create(duty, new { channel = "walk_in", category = "17", urgency = "low", title = "路灯损坏", description = "d", regionCode = DemoSilo.Shengle }))
            .GetProperty("code").GetString();
        using var other = await silo.As($"town-{Chengguan}");
        var missing = code![..^4] + "9999";
        var read = await other.GetAsync($"/api/cases/{code}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(Refusals.Text(await (await other.GetAsync($"/api/cases/{missing}")).Content.ReadAsStringAsync()).Replace(missing, code, StringComparison.Ordinal), Refusals.Text(await read.Content.ReadAsStringAsync()));
        var act = await other.PostAsJsonAsync($"/api/cases/{code}/dispatch", new { to = $"center-{Chengguan}" });
        Assert.Equal(HttpStatusCode.NotFound, act.StatusCode);
        Assert.Equal(Refusals.Text(await read.Content.ReadAsStringAsync()), Refusals.Text(await act.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/cases?region={DemoSilo.Shengle}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await other.PostAsJsonAsync("/api/cases", new { channel = "walk_in", category = "17", urgency = "low", title = "t", description = "d", regionCode = DemoSilo.Shengle })).StatusCode);
        var mine = await DemoSilo.Json(await other.GetAsync("/api/cases"));
        Assert.DoesNotContain(mine.GetProperty("items").EnumerateArray(), c => c.GetProperty("code").GetString() == code);
        Assert.Equal(HttpStatusCode.NotFound, (await duty.GetAsync("/api/cases/150123-20991231-0001")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await duty.PostAsJsonAsync($"/api/cases/{code}/fly", new { })).StatusCode);
    }

    [Fact]
    public async Task A_grid_worker_reports_anywhere_in_their_village_routed_by_place_and_beyond_it_as_if_nowhere()
    {
        var directory = silo.Factory.Services.GetRequiredService<RegionDirectory>();
        var village = directory.FindRegion(Chengguan)!.Children.First(v => v.Children.Count >= 2);
        var (own, neighbour) = (village.Children[0].Code, village.Children[1].Code);
        var there = directory.PointInside(neighbour)!.Value;
        var (_, farLat, farLon) = await GridIn(DemoSilo.Shengle);
        using var worker = await silo.As($"worker-{own}");

        var created = await Create(worker, new { channel = "grid", category = "17", urgency = "low", title = "邻网格路灯损坏", description = "巡查发现", lat = there.Lat, lon = there.Lon });
        var before = await CountCases();
        var far = await worker.PostAsJsonAsync("/api/cases", new { channel = "grid", category = "17", urgency = "low", title = "t", description = "d", lat = farLat, lon = farLon });
        var nowhere = await worker.PostAsJsonAsync("/api/cases", new { channel = "grid", category = "17", urgency = "low", title = "t", description = "d", lat = 0.0, lon = 0.0 });
        var otherRegion = await worker.PostAsJsonAsync("/api/cases", new { channel = "grid", category = "17", urgency = "low", title = "t", description = "d", regionCode = DemoSilo.Shengle });
        var unknownRegion = await worker.PostAsJsonAsync("/api/cases", new { channel = "grid", category = "17", urgency = "low", title = "t", description = "d", regionCode = "150123199" });

        Assert.Equal((neighbour, village.Code), (created.GetProperty("gridCode").GetString(), created.GetProperty("villageCode").GetString()));

        // The reporter reads what they reported, though it lies in the next grid; a worker of a third grid does not.
        var code = created.GetProperty("code").GetString();
        Assert.Equal(HttpStatusCode.OK, (await worker.GetAsync($"/api/cases/{code}")).StatusCode);
        if (village.Children.Count >= 3)
        {
            using var third = await silo.As($"worker-{village.Children[2].Code}");
            Assert.Equal(HttpStatusCode.NotFound, (await third.GetAsync($"/api/cases/{code}")).StatusCode);
        }

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (far.StatusCode, nowhere.StatusCode));
        Assert.Equal(
            Refusals.Text(await nowhere.Content.ReadAsStringAsync()).Replace($"({0.0}, {0.0})", "()", StringComparison.Ordinal),
            Refusals.Text(await far.Content.ReadAsStringAsync()).Replace($"({farLat}, {farLon})", "()", StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (otherRegion.StatusCode, unknownRegion.StatusCode));
        Assert.Equal(
            Refusals.Text(await unknownRegion.Content.ReadAsStringAsync()).Replace("150123199", "?", StringComparison.Ordinal),
            Refusals.Text(await otherRegion.Content.ReadAsStringAsync()).Replace(DemoSilo.Shengle, "?", StringComparison.Ordinal));
        Assert.Equal(before, await CountCases());
    }

    [Fact]
    public async Task The_loop_over_http_answers_refusals_with_the_state_action_and_reason()
    {
        var (_, lat, lon) = await GridIn(Chengguan);
        using var duty = await silo.As("duty");
        var code = (await Create(duty, new { channel = "walk_in", category = "14", urgency = "low", title = "治安隐患", description = "d", lat, lon })).GetProperty("code").GetString();
        using var police = await silo.As($"dept-police-{Chengguan}");
        using var town = await silo.As($"town-{Chengguan}");

        var early = await police.PostAsJsonAsync($"/api/cases/{code}/resolve", new { result = "resolved", note = "已处理" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        var problem = await DemoSilo.Json(new HttpResponseMessage(HttpStatusCode.OK) { Content = early.Content });
        Assert.Equal(("dispatched", "resolve"), (problem.GetProperty("state").GetString(), problem.GetProperty("action").GetString()));
        Assert.Contains("待签收", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await town.PostAsync($"/api/cases/{code}/sign", null)).StatusCode);

        await DemoSilo.Json(await police.PostAsync($"/api/cases/{code}/sign", null));
        await DemoSilo.Json(await police.PostAsJsonAsync($"/api/cases/{code}/progress", new { note = "已出警", photos = new[] { "/p/1.jpg" } }));
        await DemoSilo.Json(await police.PostAsJsonAsync($"/api/cases/{code}/extend", new { days = 2, note = "需调查" }));
        await DemoSilo.Json(await town.PostAsJsonAsync($"/api/cases/{code}/approve-extension", new { approve = true }));
        await DemoSilo.Json(await police.PostAsJsonAsync($"/api/cases/{code}/resolve", new { result = "resolved", note = "已整治" }));
        var closed = await DemoSilo.Json(await town.PostAsJsonAsync($"/api/cases/{code}/verify", new { pass = true }));
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await town.PostAsJsonAsync($"/api/cases/{code}/revisit", new { satisfaction = "so-so" })).StatusCode);

        // The callback is due tomorrow: neither the revisit nor the archive can happen yet.
        Assert.Equal(HttpStatusCode.Conflict, (await town.PostAsJsonAsync($"/api/cases/{code}/revisit", new { satisfaction = "satisfied" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await town.PostAsync($"/api/cases/{code}/archive", null)).StatusCode);
        var actors = closed.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("actor").GetString()).ToList();
        Assert.Equal(["duty", "system", $"dept-police-{Chengguan}", $"dept-police-{Chengguan}", $"dept-police-{Chengguan}", $"town-{Chengguan}", $"dept-police-{Chengguan}", $"town-{Chengguan}"], actors);
    }

    [Fact]
    public async Task A_case_answers_the_actions_its_reader_may_take_now_by_the_names_the_action_route_takes()
    {
        var (_, lat, lon) = await GridIn(Chengguan);
        using var duty = await silo.As("duty");
        using var town = await silo.As($"town-{Chengguan}");
        using var police = await silo.As($"dept-police-{Chengguan}");
        var code = (await Create(duty, new { channel = "walk_in", category = "14", urgency = "low", title = "治安隐患（可办操作）", description = "d", lat, lon }))
            .GetProperty("code").GetString();

        // Sent to the police station on intake: the station signs, its township may neither sign nor resolve.
        Assert.Contains("sign", await Allowed(police, code));
        Assert.DoesNotContain("resolve", await Allowed(police, code));
        Assert.DoesNotContain("sign", await Allowed(town, code));
        Assert.Contains("supervise", await Allowed(duty, code));

        await DemoSilo.Json(await police.PostAsync($"/api/cases/{code}/sign", null));
        await DemoSilo.Json(await police.PostAsJsonAsync($"/api/cases/{code}/extend", new { days = 2, note = "需调查" }));

        // In hand: the station reports and resolves; the township approves the extension, by its URL name.
        var station = await Allowed(police, code);
        Assert.Contains("progress", station);
        Assert.Contains("resolve", station);
        Assert.DoesNotContain("sign", station);
        Assert.Contains("approve-extension", await Allowed(town, code));
        await DemoSilo.Json(await town.PostAsJsonAsync($"/api/cases/{code}/approve-extension", new { approve = true }));
        Assert.DoesNotContain("approve-extension", await Allowed(town, code));
    }

    [Fact]
    public async Task A_village_list_answers_in_one_request_which_open_cases_the_reader_may_dispatch()
    {
        var (grid, lat, lon) = await GridIn(Chengguan);
        using var duty = await silo.As("duty");
        using var town = await silo.As($"town-{Chengguan}");
        var waiting = (await Create(duty, new { channel = "walk_in", category = "04", urgency = "low", title = "合同纠纷（列表可派）", description = "d", lat, lon }))
            .GetProperty("code").GetString()!;
        var police = (await Create(duty, new { channel = "walk_in", category = "14", urgency = "low", title = "治安隐患（列表可派）", description = "d", lat, lon }))
            .GetProperty("code").GetString()!;

        var county = await DemoSilo.Json(await duty.GetAsync($"/api/cases?region={grid[..12]}&status=accepted,dispatched,in_progress&allowed=true&pageSize=50"));
        var townList = await DemoSilo.Json(await town.GetAsync($"/api/cases?region={grid[..12]}&status=accepted,dispatched,in_progress&allowed=true&pageSize=50"));
        var plain = await DemoSilo.Json(await duty.GetAsync($"/api/cases?region={grid[..12]}&status=accepted,dispatched"));

        // The county's duty officer may send on both; the township neither (one waits at the county, the other is the
        // station's, sent there by the county's rules), and every line says so.
        Assert.Contains("dispatch", AllowedIn(county, waiting));
        Assert.Contains("dispatch", AllowedIn(county, police));
        Assert.DoesNotContain("dispatch", AllowedIn(townList, waiting));
        Assert.All(county.GetProperty("items").EnumerateArray(), c => Assert.Contains(c.GetProperty("status").GetString(), new[] { "accepted", "dispatched", "in_progress" }));
        Assert.All(plain.GetProperty("items").EnumerateArray(), c => Assert.False(c.TryGetProperty("allowed", out _)));
        Assert.Contains(plain.GetProperty("items").EnumerateArray(), c => c.GetProperty("code").GetString() == waiting);
        Assert.Equal(HttpStatusCode.BadRequest, (await duty.GetAsync($"/api/cases?region={grid[..12]}&allowed=true&pageSize=51")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await duty.GetAsync($"/api/cases?region={grid[..12]}&status=accepted,flying")).StatusCode);
    }

    [Fact]
    public async Task A_case_search_by_code_or_title_answers_only_matching_cases_in_the_readers_sight()
    {
        var (_, lat, lon) = await GridIn(Chengguan);
        using var duty = await silo.As("duty");
        using var stranger = await silo.As($"town-{DemoSilo.Shengle}");
        var title = $"搜索测试{Guid.NewGuid().ToString("N")[..6]}";
        var code = (await Create(duty, new { channel = "walk_in", category = "04", urgency = "low", title, description = "d", lat, lon })).GetProperty("code").GetString()!;

        var byTitle = await DemoSilo.Json(await duty.GetAsync($"/api/cases?q={Uri.EscapeDataString(title)}"));
        Assert.Equal([code], byTitle.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        var byCode = await DemoSilo.Json(await duty.GetAsync($"/api/cases?q={code}&status=accepted,dispatched,in_progress"));
        Assert.Contains(byCode.GetProperty("items").EnumerateArray(), c => c.GetProperty("code").GetString() == code);
        Assert.DoesNotContain((await DemoSilo.Json(await duty.GetAsync("/api/cases?q=%25"))).GetProperty("items").EnumerateArray(),
            c => !c.GetProperty("code").GetString()!.Contains('%') && !c.GetProperty("title").GetString()!.Contains('%'));

        // Another township's search does not find it.
        Assert.Empty((await DemoSilo.Json(await stranger.GetAsync($"/api/cases?q={Uri.EscapeDataString(title)}"))).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await duty.GetAsync($"/api/cases?q={new string('案', 51)}")).StatusCode);
    }

    private static async Task<List<string>> Allowed(HttpClient client, string? code) =>
        [.. (await DemoSilo.Json(await client.GetAsync($"/api/cases/{code}"))).GetProperty("allowed").EnumerateArray().Select(a => a.GetString()!)];

    private static List<string> AllowedIn(JsonElement page, string code) =>
        [.. page.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("code").GetString() == code).GetProperty("allowed").EnumerateArray().Select(a => a.GetString()!)];

    [Fact]
    public async Task A_department_sees_only_what_is_sent_to_it_and_only_centers_acknowledge_warnings()
    {
        var (grid, lat, lon) = await GridIn(Chengguan);
        using var duty = await silo.As("duty");
        var created = await Create(duty, new { channel = "walk_in", category = "02", urgency = "high", title = "邻里纠纷", description = "d", lat, lon });
        var code = created.GetProperty("code").GetString();
        using var hrss = await silo.As("dept-hrss");
        Assert.Equal(HttpStatusCode.NotFound, (await hrss.GetAsync($"/api/cases/{code}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await hrss.GetAsync($"/api/regions/{DemoSilo.County}/stats")).StatusCode);
        var hrssWarnings = await DemoSilo.Json(await hrss.GetAsync("/api/warnings"));
        Assert.DoesNotContain(hrssWarnings.GetProperty("items").EnumerateArray(), w => w.GetProperty("caseCode").GetString() == code);

        var warnings = await DemoSilo.Json(await duty.GetAsync($"/api/warnings?region={grid}"));
        var risk = warnings.GetProperty("items").EnumerateArray().First(w => w.GetProperty("caseCode").GetString() == code).GetProperty("id").GetString();
        using var worker = await silo.As($"worker-{grid}");
        using var admin = await silo.As("admin");
        Assert.Equal(HttpStatusCode.Forbidden, (await worker.PostAsync($"/api/warnings/{risk}/ack", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsync($"/api/warnings/{risk}/ack", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await duty.PostAsync($"/api/warnings/{risk}/ack", null)).StatusCode);
    }

    [Fact]
    public async Task Control_characters_and_combined_enum_values_are_refused()
    {
        var (_, lat, lon) = await GridIn(Chengguan);
        using var duty = await silo.As("duty");
        var before = await CountCases();
        Assert.Equal(HttpStatusCode.BadRequest, (await duty.PostAsJsonAsync("/api/cases", new { channel = "walk_in", category = "02", urgency = "low", title = "t\u0000", description = "d", lat, lon })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await duty.PostAsJsonAsync("/api/cases", new { channel = "walk_in", category = "02", urgency = "low", title = "t", description = "d", lat, lon, complexity = "general,complex" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await duty.PostAsJsonAsync("/api/cases", new { channel = "walk_in", category = "02", urgency = "low", title = "t", description = "d", lat, lon, risk = "yellow,red" })).StatusCode);
        Assert.Equal(before, await CountCases());
        var code = (await Create(duty, new { channel = "walk_in", category = "14", urgency = "low", title = "t", description = "d", lat, lon })).GetProperty("code").GetString();
        Assert.Equal(HttpStatusCode.BadRequest, (await duty.PostAsJsonAsync($"/api/cases/{code}/supervise", new { level = "yellow", note = "a\u0000b" })).StatusCode);
    }

    [Fact]
    public async Task An_open_case_counts_in_its_township_and_county_live()
    {
        using var duty = await silo.As("duty");

        // A township no other test of this class uses, so its counts move only by this case.
        var township = (await DemoSilo.Json(await duty.GetAsync($"/api/regions/{DemoSilo.County}"))).GetProperty("children")[5].GetProperty("code").GetString()!;
        var before = await Counts(duty, DemoSilo.County, township);
        await Create(duty, new { channel = "walk_in", category = "15", urgency = "high", title = "危房", description = "d", regionCode = township });
        var after = await Eventually(() => Counts(duty, DemoSilo.County, township), c => c.Open > before.Open);
        Assert.Equal(before.Open + 1, after.Open);
        Assert.Equal(before.Accepted + 1, after.Accepted);
        Assert.True(after.Warnings > before.Warnings, "a high-urgency case raises a red-risk warning");
    }

    private static async Task<(int Open, int Accepted, int Warnings)> Counts(HttpClient client, string county, string township)
    {
        var region = await DemoSilo.Json(await client.GetAsync($"/api/regions/{county}"));
        var counts = region.GetProperty("children").EnumerateArray().Single(c => c.GetProperty("code").GetString() == township).GetProperty("counts");
        return (counts.GetProperty("openCases").GetInt32(), counts.GetProperty("acceptedToday").GetInt32(), counts.GetProperty("warnings").GetInt32());
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var value = await probe();
        for (var i = 0; i < 100 && !done(value); i++)
        {
            await Task.Delay(100);
            value = await probe();
        }

        return value;
    }

    private async Task<(string Grid, double Lat, double Lon)> GridIn(string township)
    {
        var (_, _, grid) = await silo.WorkerIn(township);
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        return (grid, point.Lat, point.Lon);
    }

    private static async Task<JsonElement> Create(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/cases", body);
        var json = await DemoSilo.Json(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return json;
    }

    private async Task<long> CountCases()
    {
        long count = 0;
        await silo.Factory.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement("SELECT count(*) FROM cases"), r => count = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture));
        return count;
    }
}
