using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>Acting from the big screen: the case card follows its case live, and duty dispatches from it and from a worker's card.</summary>
[Collection(ScreenCollection.Name)]
public sealed class WallActionTests(ScreenSilo silo, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task An_open_case_card_follows_its_case_live_to_its_final_state()
    {
        var (grid, _) = await SomeGridAsync(0);
        var code = await CreateWaitingCaseAsync(grid, "合同纠纷：租赁合同押金不退（实时卡片）");

        await silo.RunAsync(nameof(An_open_case_card_follows_its_case_live_to_its_final_state), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            var card = await OpenCaseCardAsync(page, code);

            // Waiting at the county center: its name, not its id; the place by name, not "—".
            await Expect(card.Locator("[data-field='status']")).ToHaveTextAsync("待分派");
            await Expect(card.Locator("[data-field='holder']")).ToHaveTextAsync($"{ScreenSilo.CountyName}综治中心");
            await Expect(card.Locator("dt:text-is('地点') + dd")).ToContainTextAsync(grid.Township);
            await Expect(card).Not.ToContainTextAsync("center-");

            // Someone else dispatches it (the API, as a console would): the open card says so without a click.
            using var duty = await silo.ApiAsync("duty");
            await ScreenSilo.Json(await duty.PostAsJsonAsync($"/api/cases/{code}/dispatch", new { to = $"center-{grid.Code[..9]}", note = "请城关镇处理" }));
            await Expect(card.Locator("[data-field='status']")).ToHaveTextAsync("待签收", new() { Timeout = 5000 });
            await Expect(card.Locator("[data-field='holder']")).ToContainTextAsync("综治中心");
            await Expect(card.Locator(".timeline")).ToContainTextAsync("请城关镇处理");

            // It goes back and is rejected: the case leaves the map, the card shows where it ended.
            using var town = await silo.ApiAsync($"town-{grid.Code[..9]}");
            await ScreenSilo.Json(await town.PostAsJsonAsync($"/api/cases/{code}/return", new { note = "不属于本镇职责" }));
            await ScreenSilo.Json(await duty.PostAsJsonAsync($"/api/cases/{code}/reject", new { note = "属于民事合同纠纷，建议向法院起诉" }));
            await Expect(card.Locator("[data-field='status']")).ToHaveTextAsync("不予受理", new() { Timeout = 5000 });
            await Expect(card.Locator("button[data-action]")).ToHaveCountAsync(0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "case-card-final.png") });
        });
    }

    [SkippableFact]
    public async Task Duty_dispatches_a_waiting_case_from_its_card_and_a_refusal_shows_its_reason()
    {
        var (grid, _) = await SomeGridAsync(1);
        var code = await CreateWaitingCaseAsync(grid, "合同纠纷：装修款结算争议（大屏分派）");

        await silo.RunAsync(nameof(Duty_dispatches_a_waiting_case_from_its_card_and_a_refusal_shows_its_reason), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            var card = await OpenCaseCardAsync(page, code);

            // Duty may dispatch and supervise a case waiting at the county center; there is nothing to verify yet.
            await Expect(card.Locator("button[data-action='dispatch']")).ToHaveTextAsync("分派");
            await Expect(card.Locator("button[data-action='supervise']")).ToBeVisibleAsync();
            await Expect(card.Locator("button[data-action='verify']")).ToHaveCountAsync(0);

            await card.Locator("button[data-action='dispatch']").ClickAsync();
            var to = card.Locator("select[name='to']");
            await Expect(to.Locator($"option[value='center-{grid.Code[..9]}']")).ToHaveCountAsync(1);
            await Expect(to.Locator("optgroup[label='网格员'] option").First).ToContainTextAsync("本网格");
            await to.SelectOptionAsync($"center-{grid.Code[..9]}");
            await card.Locator(".action-form textarea").FillAsync("请尽快组织调解");
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "case-card-dispatch.png") });
            await card.Locator("button.submit").ClickAsync();

            await Expect(card.Locator("[data-field='status']")).ToHaveTextAsync("待签收");
            await Expect(card.Locator("[data-field='holder']")).ToContainTextAsync("综治中心");
            await Expect(page.Locator($"#tasks [data-case='{code}']")).ToContainTextAsync("待签收", new() { Timeout = 5000 });
            using var duty = await silo.ApiAsync("duty");
            var view = await ScreenSilo.Json(await duty.GetAsync($"/api/cases/{code}"));
            Assert.Equal($"center-{grid.Code[..9]}", view.GetProperty("assignment").GetProperty("to").GetProperty("id").GetString());

            // 督办: a red card; asking for a lower level than the case has is refused with the server's reason.
            await card.Locator("button[data-action='supervise']").ClickAsync();
            await card.Locator("select[name='level']").SelectOptionAsync("red");
            await card.Locator("button.submit").ClickAsync();
            await Expect(card.Locator("[data-field='supervision']")).ToHaveTextAsync("红牌督办", new() { Timeout = 5000 });
            await Expect(card.Locator("button[data-action='supervise']")).ToHaveCountAsync(0);
        });
    }

    [SkippableFact]
    public async Task The_case_card_offers_only_the_actions_the_server_allows_and_reads_them_again_when_the_case_changes()
    {
        var (grid, _) = await SomeGridAsync(4);
        var code = await CreateWaitingCaseAsync(grid, "合同纠纷：物业费争议（按服务器许可显示按钮）");

        await silo.RunAsync(nameof(The_case_card_offers_only_the_actions_the_server_allows_and_reads_them_again_when_the_case_changes), async page =>
        {
            // The case as the server answers it, except that nothing is allowed, until the test lets the answers through as they are.
            var withhold = true;
            var reads = 0;
            await page.RouteAsync($"**/api/cases/{code}", async route =>
            {
                Interlocked.Increment(ref reads);
                var response = await route.FetchAsync();
                var body = System.Text.Json.Nodes.JsonNode.Parse(await response.TextAsync())!.AsObject();
                if (withhold)
                {
                    body["allowed"] = new System.Text.Json.Nodes.JsonArray();
                }

                await route.FulfillAsync(new() { Response = response, Body = body.ToJsonString() });
            });
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            var card = await OpenCaseCardAsync(page, code);

            // Duty's own rules would allow 分派 and 督办 here; the server said nothing is allowed, so the card offers nothing.
            await Expect(card.Locator("[data-field='status']")).ToHaveTextAsync("待分派");
            await Expect(card.Locator("button[data-action]")).ToHaveCountAsync(0);

            // The case changes (dispatched from elsewhere): the card reads it again, allowed included.
            withhold = false;
            var before = reads;
            using var duty = await silo.ApiAsync("duty");
            await ScreenSilo.Json(await duty.PostAsJsonAsync($"/api/cases/{code}/dispatch", new { to = $"center-{grid.Code[..9]}" }));
            await Expect(card.Locator("[data-field='status']")).ToHaveTextAsync("待签收", new() { Timeout = 5000 });
            await Expect(card.Locator("button[data-action='dispatch']")).ToHaveTextAsync("改派");
            await Expect(card.Locator("button[data-action='supervise']")).ToBeVisibleAsync();
            Assert.True(reads > before);
        });
    }

    [SkippableFact]
    public async Task Duty_verifies_a_resolved_case_from_its_card_and_a_refusal_shows_its_chinese_reason()
    {
        var (grid, _) = await SomeGridAsync(2);
        var code = await CreateWaitingCaseAsync(grid, "合同纠纷：货款拖欠（大屏核实）");
        using var duty = await silo.ApiAsync("duty");
        using var town = await silo.ApiAsync($"town-{grid.Code[..9]}");
        await ScreenSilo.Json(await duty.PostAsJsonAsync($"/api/cases/{code}/dispatch", new { to = $"center-{grid.Code[..9]}" }));
        await ScreenSilo.Json(await town.PostAsJsonAsync($"/api/cases/{code}/sign", new { }));
        await ScreenSilo.Json(await town.PostAsJsonAsync($"/api/cases/{code}/resolve", new { result = "resolved", note = "双方达成还款协议" }));

        await silo.RunAsync(nameof(Duty_verifies_a_resolved_case_from_its_card_and_a_refusal_shows_its_chinese_reason), async page =>
        {
            await page.SignInAsync("duty");
            await page.ExpectLiveAsync(ScreenSilo.County);
            var card = await OpenCaseCardAsync(page, code);
            await Expect(card.Locator("[data-field='status']")).ToHaveTextAsync("待验证");
            await Expect(card.Locator("button[data-action='dispatch']")).ToHaveCountAsync(0);

            // 不通过 needs a reason: the server refuses, and the card says why in Chinese.
            await card.Locator("button[data-action='verify']").ClickAsync();
            await card.Locator("button[data-pass='false']").ClickAsync();
            await Expect(card.Locator(".action-error")).ToContainTextAsync("验证不通过须填写理由");
            await Expect(card.Locator("[data-field='status']")).ToHaveTextAsync("待验证");

            await card.Locator("button[data-pass='true']").ClickAsync();
            await Expect(card.Locator("[data-field='status']")).ToHaveTextAsync("已办结", new() { Timeout = 5000 });
            await Expect(card.Locator("button[data-action]")).ToHaveCountAsync(0);
            var view = await ScreenSilo.Json(await duty.GetAsync($"/api/cases/{code}"));
            Assert.Equal("closed", view.GetProperty("status").GetString());
        });
    }

    [SkippableFact]
    public async Task The_worker_card_sends_that_worker_a_task()
    {
        await silo.ReportPositionsAsync();
        var (grid, worker) = await SomeGridAsync(3);
        var code = await CreateWaitingCaseAsync(grid, "合同纠纷：邻里借款纠纷（派给网格员）");

        // The worker reports from inside their grid (the shared set-up puts workers anywhere in their township), a little
        // away from the case, which is drawn over workers and would take the click.
        using var admin = await silo.ApiAsync("admin");
        var device = (await ScreenSilo.Json(await admin.GetAsync($"/api/workers/{worker}"))).GetProperty("deviceId").GetString();
        using var duty = await silo.ApiAsync("duty");
        var (lat, lon) = ((grid.Lat * 0.6) + (grid.Corner.Lat * 0.4), (grid.Lon * 0.6) + (grid.Corner.Lon * 0.4));
        await ScreenSilo.Json(await duty.PostAsJsonAsync("/api/positions", new
        {
            positions = new[] { new { id = device, lat, lon, timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), speed = 1.1 } },
        }));

        await silo.RunAsync(nameof(The_worker_card_sends_that_worker_a_task), async page =>
        {
            await page.SignInAsync("duty");
            // Inside the village the dots are the workers' (at the county a click on the map drills down).
            await page.GotoAsync($"/?scope={grid.Code[..12]}");
            await page.ExpectLiveAsync(grid.Code[..12]);
            await page.ExpectMapCountAsync("data-workers", "n > 0", TimeSpan.FromSeconds(10));
            var at = await WaitForPointAsync(page, "worker", worker.ToString(CultureInfo.InvariantCulture));
            var caseReads = new System.Collections.Concurrent.ConcurrentQueue<string>();
            page.Request += (_, r) =>
            {
                if (r.Url.Contains("/api/cases", StringComparison.Ordinal) && r.Method == "GET")
                {
                    caseReads.Enqueue(r.Url);
                }
            };
            await page.Mouse.ClickAsync(at.X, at.Y);
            var card = page.Locator($"#worker-card[data-worker='{worker}']");
            await Expect(card).ToBeVisibleAsync();

            var select = card.Locator("select[name='case']");
            await Expect(select.Locator($"option[value='{code}']")).ToHaveCountAsync(1, new() { Timeout = 5000 });

            // The cases offered come in one request (each line with what duty may do with it), not one read per case.
            var read = Assert.Single(caseReads);
            Assert.Contains("allowed=true", read, StringComparison.Ordinal);
            await select.SelectOptionAsync(code);
            await card.Locator("button[data-action='task']").ClickAsync();
            await Expect(page.Locator("#toast")).ToContainTextAsync("派发给");

            var view = await ScreenSilo.Json(await duty.GetAsync($"/api/cases/{code}"));
            Assert.Equal($"worker-{worker}", view.GetProperty("assignment").GetProperty("to").GetProperty("id").GetString());
            Assert.Equal("dispatched", view.GetProperty("status").GetString());
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), "worker-card-task.png") });
        });
    }

    /// <summary>A grid of 城关镇 (the n-th village's first grid) and one of its workers.</summary>
    private async Task<(Grid Grid, long Worker)> SomeGridAsync(int n)
    {
        using var duty = await silo.ApiAsync("duty");
        var township = await ScreenSilo.Json(await duty.GetAsync($"/api/regions/{ScreenSilo.Chengguan}"));
        var village = township.GetProperty("children")[n].GetProperty("code").GetString()!;
        var grids = await ScreenSilo.Json(await duty.GetAsync($"/api/regions/{village}"));
        var code = grids.GetProperty("children")[0].GetProperty("code").GetString()!;
        var grid = await ScreenSilo.Json(await duty.GetAsync($"/api/grids/{code}"));
        var boundary = grid.GetProperty("boundary");
        var g = boundary.TryGetProperty("geometry", out var geometry) ? geometry : boundary;
        var ring = g.GetProperty("type").GetString() == "Polygon" ? g.GetProperty("coordinates")[0] : g.GetProperty("coordinates")[0][0];
        var points = ring.EnumerateArray().Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).SkipLast(1).ToList();
        var worker = grid.GetProperty("workers")[0].GetProperty("id").GetInt64();
        output.WriteLine($"grid {code} of {grid.GetProperty("township").GetProperty("name").GetString()}, worker {worker}");
        return (new Grid(code, grid.GetProperty("township").GetProperty("name").GetString()!, points.Average(p => p.Lat), points.Average(p => p.Lon), (points[0].Lat, points[0].Lon)), worker);
    }

    /// <summary>A 合同纠纷 (no rule sends it anywhere): it waits 待分派 at the county center, for the duty officer.</summary>
    private async Task<string> CreateWaitingCaseAsync(Grid grid, string title)
    {
        using var duty = await silo.ApiAsync("duty");
        var created = await ScreenSilo.Json(await duty.PostAsJsonAsync("/api/cases", new
        {
            channel = "walk_in", category = "04", urgency = "medium", title, description = "当事人来访反映合同纠纷，请求调解",
            lat = grid.Lat, lon = grid.Lon, reporterName = "李女士",
        }));
        Assert.Equal("accepted", created.GetProperty("case").GetProperty("status").GetString());
        return created.GetProperty("code").GetString()!;
    }

    /// <summary>Clicks the case on the map, as a person does, and answers its card.</summary>
    private static async Task<ILocator> OpenCaseCardAsync(IPage page, string code)
    {
        var at = await WaitForPointAsync(page, "case", code);
        await page.Mouse.ClickAsync(at.X, at.Y);
        var card = page.Locator($"#case-card[data-case='{code}']");
        await Expect(card).ToBeVisibleAsync();
        return card;
    }

    private static async Task<(float X, float Y)> WaitForPointAsync(IPage page, string kind, string key)
    {
        var handle = await page.WaitForFunctionAsync("([k, key]) => window.commandScreen?.pointOf(k, key)", new object[] { kind, key }, new() { Timeout = 10_000 });
        var point = await handle.JsonValueAsync<JsonElement>();
        return ((float)point.GetProperty("x").GetDouble(), (float)point.GetProperty("y").GetDouble());
    }

    /// <summary>A grid: its code, its township's name, a point inside it (the mean of its corners, convex cells) and one corner.</summary>
    private sealed record Grid(string Code, string Township, double Lat, double Lon, (double Lat, double Lon) Corner);
}
