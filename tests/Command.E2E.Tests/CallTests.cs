using System.Net.Http.Json;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Command.Bench;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Command.E2E.Tests;

/// <summary>
/// Live video calls between real Chromium pages with fake cameras: the leader's wall and a grid worker's phone, media
/// relayed through coturn on 127.0.0.1.
/// </summary>
[Collection(CallCollection.Name)]
public sealed class CallTests(CallSilo silo, ITestOutputHelper output)
{
    private const float Soon = 20_000;
    private const string Chengguan = "150123100";   // 城关镇

    [SkippableFact]
    public async Task The_leader_calls_a_grid_worker_from_the_wall_both_see_each_other_and_hanging_up_ends_it_on_both()
    {
        var worker = await WorkerAsync(Chengguan, 0);
        await RunAsync(nameof(The_leader_calls_a_grid_worker_from_the_wall_both_see_each_other_and_hanging_up_ends_it_on_both), worker, async (wall, phone) =>
        {
            await CallFromWallAsync(wall, phone, worker);
            await Expect(wall.Locator("#video-window")).ToBeVisibleAsync();
            await Expect(wall.Locator("#video-status")).ToContainTextAsync("正在呼叫");

            // The phone rings with who calls, and the worker accepts.
            var ring = phone.Locator("#video-ring");
            await Expect(ring).ToBeVisibleAsync(new() { Timeout = Soon });
            await Expect(ring).ToContainTextAsync("领导");
            await Shoot(phone, "call-phone-ringing");
            await ring.Locator("button[data-video='accept']").ClickAsync();
            await Expect(phone.Locator("#video-window")).ToBeVisibleAsync();

            // Frames flow both ways: each side decodes the other's video, and keeps decoding.
            var wallFrames = await FramesAsync(wall, 5);
            var phoneFrames = await FramesAsync(phone, 5);
            await Expect(wall.Locator("#video-status")).ToHaveTextAsync("通话中", new() { Timeout = Soon });
            Assert.True(await FramesAsync(wall, wallFrames + 10) > wallFrames);
            Assert.True(await FramesAsync(phone, phoneFrames + 10) > phoneFrames);
            // Set-up time: the wall from the click on 视频通话 (including the ring and the worker's accept), the phone from its accept.
            var setup = await wall.EvaluateAsync<int?>("() => window.commandVideo.probe.setupMs");
            var answered = await phone.EvaluateAsync<int?>("() => window.commandVideo.probe.setupMs");
            Assert.NotNull(setup);
            Assert.NotNull(answered);
            var line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:O} leader→worker click-to-first-remote-frame {setup} ms (wall), accept-to-first-remote-frame {answered} ms (phone)");
            output.WriteLine(line);
            await File.AppendAllTextAsync(Path.Combine(ScreenSilo.Artifacts("e2e"), "call-setup.txt"), line + "\n");
            await Shoot(wall, "call-wall-connected");
            await Shoot(phone, "call-phone-connected");

            // Mute and camera off change the buttons (and the tracks); hanging up ends the call on both sides.
            await phone.Locator("#video-window button[data-video='mute']").ClickAsync();
            await Expect(phone.Locator("#video-window button[data-video='mute']")).ToHaveTextAsync("取消静音");
            await wall.Locator("#video-window button[data-video='hangup']").ClickAsync();
            await Expect(wall.Locator("#video-window")).ToBeHiddenAsync();
            await Expect(phone.Locator("#video-window")).ToBeHiddenAsync(new() { Timeout = Soon });
            await Expect(phone.Locator("#video-toast")).ToContainTextAsync("通话已结束");
            var ended = await phone.EvaluateAsync<JsonElement>("() => window.commandVideo.probe.ended");
            Assert.Equal("ended", ended.GetProperty("status").GetString());
            Assert.True(await phone.EvaluateAsync<bool>("async () => (await window.commandVideo.stats()) === null"), "the phone still holds a peer connection");
        });
    }

    [SkippableFact]
    public async Task The_phone_losing_its_network_in_a_call_comes_back_on_a_new_connection_and_the_call_talks_on()
    {
        // Resetting live TCP connections (ss -K) needs Linux and root, as in the test container.
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/bin/ss") && Environment.UserName == "root", "resetting TCP connections needs ss and root");
        var worker = await WorkerAsync(Chengguan, 1);
        await RunAsync(nameof(The_phone_losing_its_network_in_a_call_comes_back_on_a_new_connection_and_the_call_talks_on), worker, async (wall, phone) =>
        {
            await CallFromWallAsync(wall, phone, worker);
            var ring = phone.Locator("#video-ring");
            await Expect(ring).ToBeVisibleAsync(new() { Timeout = Soon });
            await ring.Locator("button[data-video='accept']").ClickAsync();
            await FramesAsync(wall, 5);
            await FramesAsync(phone, 5);
            var callId = await phone.EvaluateAsync<string>("() => window.commandVideo.callId");

            // The network breaks under the pages' hub connections (reset, as when a phone switches from Wi-Fi to 4G): the
            // call is not hung up; each page reconnects, takes its side up again on the new connection and restarts ICE.
            await ResetConnectionsAsync(silo.Silo.BaseAddress.Port);
            await phone.WaitForFunctionAsync(
                "() => { window.commandVideo.stats().then(s => { window.videoRestarts = s?.restarts ?? 0; }); return (window.videoRestarts ?? 0) > 0; }",
                null, new() { Timeout = 40_000, PollingInterval = 250 });

            // Still the same call on both sides, and frames keep coming both ways.
            Assert.Equal(callId, await phone.EvaluateAsync<string>("() => window.commandVideo.callId"));
            Assert.Equal(callId, await wall.EvaluateAsync<string>("() => window.commandVideo.callId"));
            var wallFrames = await FramesAsync(wall, 0);
            var phoneFrames = await FramesAsync(phone, 0);
            Assert.True(await FramesAsync(wall, wallFrames + 20) > wallFrames);
            Assert.True(await FramesAsync(phone, phoneFrames + 20) > phoneFrames);
            await Expect(wall.Locator("#video-status")).ToHaveTextAsync("通话中", new() { Timeout = Soon });

            await wall.Locator("#video-window button[data-video='hangup']").ClickAsync();
            await Expect(phone.Locator("#video-window")).ToBeHiddenAsync(new() { Timeout = Soon });
            var ended = await phone.EvaluateAsync<JsonElement>("() => window.commandVideo.probe.ended");
            Assert.Equal(("ended", callId), (ended.GetProperty("status").GetString(), ended.GetProperty("id").GetString()));
        });
    }

    [SkippableFact]
    public async Task A_township_cannot_call_a_worker_of_another_township_and_nothing_rings_there()
    {
        var townships = await TownshipsAsync();
        var other = townships.First(t => t != Chengguan);
        var worker = await WorkerAsync(other, 0);
        await RunAsync(nameof(A_township_cannot_call_a_worker_of_another_township_and_nothing_rings_there), worker, async (wall, phone) =>
        {
            await SignInPhoneAsync(phone, worker);
            await wall.SignInAsync($"town-{Chengguan}");
            await wall.ExpectLiveAsync(Chengguan);

            // The worker is not on the township's screen at all; asked by id, the hub refuses as for no such worker.
            var refused = await wall.EvaluateAsync<JsonElement>($"() => window.commandVideo.call('worker-{worker.Id}', {{ label: 'x' }})");
            Assert.False(refused.GetProperty("ok").GetBoolean());
            Assert.Equal("not_found", refused.GetProperty("error").GetProperty("code").GetString());
            await Expect(wall.Locator("#video-toast")).ToContainTextAsync("呼叫对象不存在");
            await Expect(wall.Locator("#video-window")).ToBeHiddenAsync();

            // A call that may ring does: the first ring the phone sees is the county's, not the township's. The worker declines.
            await using var dutyContext = await silo.NewContextAsync(phone: false);
            var dutyWall = await dutyContext.NewPageAsync();
            await dutyWall.SignInAsync("duty");
            await dutyWall.ExpectLiveAsync("150123");
            var placed = await dutyWall.EvaluateAsync<JsonElement>($"() => window.commandVideo.call('worker-{worker.Id}', {{ label: '{worker.Name}' }})");
            Assert.True(placed.GetProperty("ok").GetBoolean(), placed.ToString());
            var ring = phone.Locator("#video-ring");
            await Expect(ring).ToBeVisibleAsync(new() { Timeout = Soon });
            await Expect(ring).Not.ToContainTextAsync("城关镇");
            Assert.Equal(1, await phone.EvaluateAsync<int>("() => document.querySelectorAll('#video-ring [data-video=accept]').length"));
            await ring.Locator("button[data-video='decline']").ClickAsync();
            await Expect(dutyWall.Locator("#video-toast")).ToContainTextAsync("对方已拒接", new() { Timeout = Soon });
            await Expect(dutyWall.Locator("#video-window")).ToBeHiddenAsync();
        });
    }

    [SkippableFact]
    public async Task A_conference_of_the_leader_and_two_township_centers_goes_through_the_SFU_and_each_receives_the_other_two()
    {
        silo.RequireJanus();
        var townships = await TownshipsAsync();
        var (a, b) = (townships[0], townships[1]);
        await using var leaderContext = await silo.NewContextAsync(phone: false);
        await using var aContext = await silo.NewContextAsync(phone: false);
        await using var bContext = await silo.NewContextAsync(phone: false);
        var pages = new[] { await leaderContext.NewPageAsync(), await aContext.NewPageAsync(), await bContext.NewPageAsync() };
        var console = new ConcurrentQueue<string>();
        foreach (var (page, who) in pages.Zip(new[] { "leader", a, b }))
        {
            page.Console += (_, m) => console.Enqueue($"{DateTime.Now:HH:mm:ss.fff} {who} {m.Type}: {m.Text}");
            page.PageError += (_, e) => console.Enqueue($"{who} uncaught: {e}");
        }

        try
        {
            var (leader, townA, townB) = (pages[0], pages[1], pages[2]);
            await leader.SignInAsync("leader");
            await leader.ExpectLiveAsync("150123");
            await townA.SignInAsync($"town-{a}");
            await townA.ExpectLiveAsync(a);
            await townB.SignInAsync($"town-{b}");
            await townB.ExpectLiveAsync(b);
            await townA.WaitForFunctionAsync("() => window.commandVideo !== undefined");
            await townB.WaitForFunctionAsync("() => window.commandVideo !== undefined");

            // 视频会商 over the county map: the leader picks two townships and starts.
            await leader.Locator("#video-scope-call button[data-video='conference']").ClickAsync();
            var picker = leader.Locator("#video-conference-picker");
            await picker.Locator($"input[value='center-{a}']").CheckAsync();
            await picker.Locator($"input[value='center-{b}']").CheckAsync();
            await picker.Locator("button[data-video='start-conference']").ClickAsync();
            await Expect(leader.Locator("#video-window")).ToBeVisibleAsync(new() { Timeout = Soon });
            foreach (var town in new[] { townA, townB })
            {
                var ring = town.Locator("#video-ring");
                await Expect(ring).ToContainTextAsync("视频会商", new() { Timeout = Soon });
                await ring.Locator("button[data-video='join']").ClickAsync();
            }

            // Each of the three decodes two feeds: the other two participants, through Janus.
            foreach (var page in pages)
            {
                await page.WaitForFunctionAsync(
                    "() => { window.commandVideo.conferenceStats().then(s => { window.feedFrames = s; }); const s = window.feedFrames; return s && s.length === 2 && s.every(f => f.framesDecoded > 10); }",
                    null, new() { Timeout = 45_000, PollingInterval = 500 });
                await Expect(page.Locator("#video-window .video-tile.feed")).ToHaveCountAsync(2);
            }

            await Shoot(leader, "conference-leader");

            // The host leaves: the conference ends for everyone.
            await leader.Locator("#video-window button[data-video='hangup']").ClickAsync();
            await Expect(townA.Locator("#video-window")).ToBeHiddenAsync(new() { Timeout = Soon });
            await Expect(townB.Locator("#video-window")).ToBeHiddenAsync(new() { Timeout = Soon });
        }
        catch
        {
            var folder = ScreenSilo.Artifacts("e2e");
            for (var i = 0; i < pages.Length; i++)
            {
                await pages[i].ScreenshotAsync(new() { Path = Path.Combine(folder, $"conference-{i}.png") });
            }

            await File.WriteAllLinesAsync(Path.Combine(folder, "conference.console.txt"), console);
            await File.WriteAllTextAsync(Path.Combine(folder, "conference.silo.log"), silo.Silo.Output);
            throw;
        }
    }

    [SkippableFact]
    public async Task The_leader_calls_a_township_center_from_the_map_and_its_console_rings_and_talks()
    {
        await using var wallContext = await silo.NewContextAsync(phone: false);
        await using var consoleContext = await silo.NewContextAsync(phone: false);
        var wall = await wallContext.NewPageAsync();
        var desk = await consoleContext.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        wall.Console += (_, m) => console.Enqueue($"{DateTime.Now:HH:mm:ss.fff} wall {m.Type}: {m.Text}");
        desk.Console += (_, m) => console.Enqueue($"{DateTime.Now:HH:mm:ss.fff} console {m.Type}: {m.Text}");
        try
        {
            await desk.SignInAsync($"town-{Chengguan}");
            await desk.GotoAsync("/console");
            await desk.WaitForFunctionAsync("() => window.commandVideo !== undefined", null, new() { Timeout = Soon });

            // The wall shows 城关镇: the button over the map calls its 综治中心.
            await wall.SignInAsync("leader");
            await wall.GotoAsync($"/?scope={Chengguan}");
            await wall.ExpectLiveAsync(Chengguan);
            await wall.Locator("#video-scope-call button[data-action='video-call']").ClickAsync();

            var ring = desk.Locator("#video-ring");
            await Expect(ring).ToContainTextAsync("领导", new() { Timeout = Soon });
            await ring.Locator("button[data-video='accept']").ClickAsync();
            await FramesAsync(wall, 10);
            await FramesAsync(desk, 10);
            await Shoot(desk, "call-console-connected");

            // The township hangs up: the wall's window closes.
            await desk.Locator("#video-window button[data-video='hangup']").ClickAsync();
            await Expect(wall.Locator("#video-window")).ToBeHiddenAsync(new() { Timeout = Soon });
            await Expect(wall.Locator("#video-toast")).ToContainTextAsync("通话已结束");
        }
        catch
        {
            var folder = ScreenSilo.Artifacts("e2e");
            await wall.ScreenshotAsync(new() { Path = Path.Combine(folder, "console-call.wall.png") });
            await desk.ScreenshotAsync(new() { Path = Path.Combine(folder, "console-call.console.png") });
            await File.WriteAllLinesAsync(Path.Combine(folder, "console-call.console.txt"), console);
            throw;
        }
    }

    [SkippableFact]
    public async Task The_leader_follows_an_orders_receiver_up_by_video_from_the_console_and_the_call_is_in_the_orders_call_log()
    {
        using var leaderApi = await silo.ApiAsync("leader");
        var issued = await ScreenSilo.Json(await leaderApi.PostAsJsonAsync("/api/orders", new { targets = new[] { $"center-{Chengguan}" }, text = "请立即核查并视频汇报" }));
        var orderId = issued.GetProperty("id").GetString()!;
        await using var leaderContext = await silo.NewContextAsync(phone: false);
        await using var deskContext = await silo.NewContextAsync(phone: false);
        var leader = await leaderContext.NewPageAsync();
        var desk = await deskContext.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        leader.Console += (_, m) => console.Enqueue($"{DateTime.Now:HH:mm:ss.fff} leader {m.Type}: {m.Text}");
        desk.Console += (_, m) => console.Enqueue($"{DateTime.Now:HH:mm:ss.fff} desk {m.Type}: {m.Text}");
        try
        {
            await desk.SignInAsync($"town-{Chengguan}");
            await desk.GotoAsync("/console");
            await desk.WaitForFunctionAsync("() => window.commandVideo !== undefined", null, new() { Timeout = Soon });
            await leader.SignInAsync("leader");
            await leader.GotoAsync("/console/orders");
            await leader.WaitForFunctionAsync("() => window.commandVideo !== undefined", null, new() { Timeout = Soon });

            // The receiver's line in the issued order has 视频通话; the desk rings about the order and answers.
            var order = leader.Locator($"#orders-issued [data-order='{orderId}']");
            await order.Locator($"li[data-target='center-{Chengguan}'] button[data-video-call]").ClickAsync();
            var ring = desk.Locator("#video-ring");
            await Expect(ring).ToContainTextAsync("领导", new() { Timeout = Soon });
            await ring.Locator("button[data-video='accept']").ClickAsync();
            await FramesAsync(leader, 5);
            await FramesAsync(desk, 5);
            await leader.Locator("#video-window button[data-video='hangup']").ClickAsync();
            await Expect(desk.Locator("#video-window")).ToBeHiddenAsync(new() { Timeout = Soon });

            // The order's 通话记录: the leader called 城关镇综治中心, the call connected and ended.
            await order.Locator($"[data-order-calls='{orderId}']").ClickAsync();
            var line = order.Locator("#calls tr[data-call]");
            await Expect(line).ToHaveCountAsync(1, new() { Timeout = Soon });
            await Expect(line).ToHaveAttributeAsync("data-status", "ended");
            await Expect(line).ToContainTextAsync("城关镇综治中心");
        }
        catch
        {
            var folder = ScreenSilo.Artifacts("e2e");
            await leader.ScreenshotAsync(new() { Path = Path.Combine(folder, "order-call.leader.png") });
            await desk.ScreenshotAsync(new() { Path = Path.Combine(folder, "order-call.desk.png") });
            await File.WriteAllLinesAsync(Path.Combine(folder, "order-call.console.txt"), console);
            throw;
        }
    }

    private sealed record Worker(long Id, string Name, string GridCode, string UserName, (double Lat, double Lon) Home);

    private async Task<List<string>> TownshipsAsync()
    {
        using var duty = await silo.ApiAsync("duty");
        var county = await ScreenSilo.Json(await duty.GetAsync("/api/regions/150123"));
        return [.. county.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("code").GetString()!)];
    }

    /// <summary>Resets every browser's TCP connection to the silo (both ends get a reset, no close handshake), as a network switch does.</summary>
    private static async Task ResetConnectionsAsync(int port)
    {
        using var ss = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/ss", ["-K", "-t", $"dport = :{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var killed = await ss.StandardOutput.ReadToEndAsync();
        await ss.WaitForExitAsync();
        Assert.Contains("ESTAB", killed, StringComparison.Ordinal);
    }

    /// <summary>The n-th full-time worker of a township, at a point inside their grid.</summary>
    private async Task<Worker> WorkerAsync(string township, int n)
    {
        using var admin = await silo.ApiAsync("admin");
        var item = (await ScreenSilo.Json(await admin.GetAsync($"/api/workers?region={township}&pageSize=40"))).GetProperty("items").EnumerateArray()
            .Where(w => w.GetProperty("kind").GetString() == "专职网格员").ElementAt(n);
        var grid = item.GetProperty("gridCode").GetString()!;
        using var duty = await silo.ApiAsync("duty");
        var shapes = BoundaryPoints.Parse(await duty.GetStringAsync(new Uri($"/api/regions/{grid[..12]}/boundaries", UriKind.Relative)));
        return new Worker(item.GetProperty("id").GetInt64(), item.GetProperty("name").GetString()!, grid, $"worker-{grid}", shapes.RandomPoint(grid, new Random(n)));
    }

    /// <summary>The worker signs in on the phone; the leader on the wall opens their card and clicks 视频通话.</summary>
    private static async Task CallFromWallAsync(IPage wall, IPage phone, Worker worker)
    {
        await SignInPhoneAsync(phone, worker);
        await wall.SignInAsync("leader");

        // Inside the village the dots are the workers'; the worker's own phone put theirs there.
        await wall.GotoAsync($"/?scope={worker.GridCode[..12]}");
        await wall.ExpectLiveAsync(worker.GridCode[..12]);
        var at = await PointAsync(wall, worker.Id);
        await wall.Mouse.ClickAsync(at.X, at.Y);
        var card = wall.Locator($"#worker-card[data-worker='{worker.Id}']");
        await Expect(card).ToBeVisibleAsync(new() { Timeout = Soon });
        await card.Locator("button[data-action='video-call']").ClickAsync();
    }

    private static async Task SignInPhoneAsync(IPage phone, Worker worker)
    {
        await phone.GotoAsync("/m");
        await phone.GetByLabel("用户名").FillAsync(worker.UserName);
        await phone.GetByLabel("密码").FillAsync("demo");
        await phone.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(phone.Locator("#who-name")).ToHaveTextAsync(worker.Name, new() { Timeout = Soon });
        // The call module connects once the app shows; it exposes itself when ready to ring.
        await phone.WaitForFunctionAsync("() => window.commandVideo !== undefined", null, new() { Timeout = Soon });
    }

    /// <summary>Where the wall draws the worker's dot.</summary>
    private static async Task<(float X, float Y)> PointAsync(IPage wall, long workerId)
    {
        var handle = await wall.WaitForFunctionAsync(
            "id => { const p = window.commandScreen?.pointOf('worker', id); return p ? [p.x, p.y] : null; }",
            workerId, new() { Timeout = 30_000, PollingInterval = 200 });
        var xy = await handle.JsonValueAsync<float[]>();
        return (xy[0], xy[1]);
    }

    /// <summary>Waits until the page has decoded more than <paramref name="above"/> remote video frames; answers the count.</summary>
    private static async Task<int> FramesAsync(IPage page, int above)
    {
        // getStats answers a promise: each poll starts one and reads what the last one found.
        var handle = await page.WaitForFunctionAsync(
            "above => { window.commandVideo.stats().then(s => { window.videoFrames = s?.framesDecoded ?? 0; }); return (window.videoFrames ?? 0) > above ? window.videoFrames : null; }",
            above, new() { Timeout = 30_000, PollingInterval = 250 });
        return await handle.JsonValueAsync<int>();
    }

    private static Task Shoot(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenSilo.Artifacts("screenshots"), $"{name}.png") });

    /// <summary>A wall and a phone (at the worker's home point); on failure both pages, their consoles and the silo's output are kept.</summary>
    private async Task RunAsync(string test, Worker worker, Func<IPage, IPage, Task> body)
    {
        await using var wallContext = await silo.NewContextAsync(phone: false);
        await using var phoneContext = await silo.NewContextAsync(phone: true, worker.Home);
        var wall = await wallContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        var thrown = new ConcurrentQueue<string>();
        wall.Console += (_, m) => console.Enqueue($"{DateTime.Now:HH:mm:ss.fff} wall {m.Type}: {m.Text}");
        phone.Console += (_, m) => console.Enqueue($"{DateTime.Now:HH:mm:ss.fff} phone {m.Type}: {m.Text}");
        wall.PageError += (_, e) => { console.Enqueue($"wall uncaught: {e}"); thrown.Enqueue(e); };
        phone.PageError += (_, e) => { console.Enqueue($"phone uncaught: {e}"); thrown.Enqueue(e); };
        try
        {
            await body(wall, phone);
            Assert.True(thrown.IsEmpty, "A page threw:\n" + string.Join("\n", thrown));
        }
        catch
        {
            var folder = ScreenSilo.Artifacts("e2e");
            await wall.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{test}.wall.png") });
            await phone.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{test}.phone.png") });
            await File.WriteAllLinesAsync(Path.Combine(folder, $"{test}.console.txt"), console);
            await File.WriteAllTextAsync(Path.Combine(folder, $"{test}.silo.log"), silo.Silo.Output);
            throw;
        }
    }
}
