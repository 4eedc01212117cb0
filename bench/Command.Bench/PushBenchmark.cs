using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Command.Bench;

/// <summary>
/// push: how fast a moving worker reaches the big screen. Imports 铁岭市 (~15,000 workers, ~12,000 grids) into a
/// throwaway data directory, starts the silo (Release, Production, no simulator), registers thousands of open cases,
/// opens the city's big screen in Chromium as the admin and keeps every worker moving for a minute (each every
/// <see cref="Period"/>, in batches spread evenly over it). For each fix, latency = when the browser applied it
/// (the page's probe) − when the request that carried it was sent. Prints figures; asserts nothing.
/// </summary>
/// <remarks>
/// Production creates only the admin, who may not register cases, so the silo runs with the demo accounts of one of
/// the city's counties (Demo:County, password "demo"; demo mode imports nothing into a database that has data).
/// </remarks>
internal static class PushBenchmark
{
    private const string Dataset = "tieling";
    private const string CaseCounty = "211224";   // 昌图县, the city's largest county: its duty officer registers the cases
    private const int BatchesPerSecond = 5;
    private const int CaseClients = 16;
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(12);
    private static readonly string[] Categories = ["02", "10", "14", "17", "05"];

    public static async Task<int> RunAsync(string[] args)
    {
        var profile = args.Contains("--profile");
        args = [.. args.Where(a => a != "--profile")];
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 60;
        var caseCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3000;
        if (ScreenProbe.FindChromium() is not { } chromium)
        {
            Console.Error.WriteLine("push: Chromium is missing (set COMMAND_CHROMIUM, or apt-get install chromium fonts-noto-cjk).");
            return 1;
        }

        var data = SiloProcess.NewDataDirectory();
        var watch = Stopwatch.StartNew();
        string imported;
        try
        {
            imported = await SiloProcess.ImportAsync(data, "Release", TimeSpan.FromMinutes(10), Dataset, "--Serilog:MinimumLevel:Default=Warning");
        }
        catch
        {
            Directory.Delete(data, recursive: true);
            throw;
        }

        Console.WriteLine($"import {Dataset}: {imported.Trim().Split('\n')[^1]} ({watch.Elapsed.TotalSeconds:0} s)");
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Demo__Enabled"] = "true",
                ["Demo__County"] = CaseCounty,
                ["Demo__Simulate"] = "false",
                ["Serilog__MinimumLevel__Default"] = "Warning",
            },
            timeout: TimeSpan.FromMinutes(3),
            dataDirectory: data);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            BaseAddress = silo.BaseAddress,
            Timeout = TimeSpan.FromMinutes(2),
        };
        var admin = await TokenAsync(client, "admin");
        using var roots = JsonDocument.Parse(await Get(client, admin, "/api/regions"));
        var city = roots.RootElement[0].GetProperty("code").GetString()!;
        MovingWorkers workers;
        using (var reader = Authorized(silo.BaseAddress, admin))
        {
            workers = await MovingWorkers.LoadAsync(reader, city);
        }


        // Everyone on the map before the screen opens: one fix each, in big batches.
        var start = DateTimeOffset.UtcNow.AddSeconds(-30).ToUnixTimeMilliseconds();
        for (var sent = 0; sent < workers.Count; sent += 5000)
        {
            await PostPositionsAsync(client, admin, workers.NextBatch(Math.Min(5000, workers.Count - sent), start, []));
        }

        watch.Restart();
        var (cases, refused) = await CreateCasesAsync(client, await TokenAsync(client, "duty"), workers, caseCount);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"silo pid {silo.Process.Id}: {workers.Count} workers of {city} placed, {cases} open cases registered in {CaseCounty} in {watch.Elapsed.TotalSeconds:0} s ({refused} points outside every grid retried)"));

        await using var screen = await ScreenProbe.OpenAsync(chromium, silo.BaseAddress, "admin", "demo", city, TimeSpan.FromMinutes(3));
        var (drawnWorkers, drawnCases, drawnWarnings) = (await screen.CountAsync("data-workers"), await screen.CountAsync("data-cases"), await screen.CountAsync("data-warnings"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"screen live on {city} after {screen.TimeToLive.TotalSeconds:0.0} s: drawing {drawnWorkers} workers, {drawnCases} cases, {drawnWarnings} warnings"));

        var driving = DriveAsync(client, admin, workers, TimeSpan.FromSeconds(seconds));
        if (profile)
        {
            // Mid-drive, where the page's time goes (a diagnosis; the figures below are measured with it running).
            await Task.Delay(TimeSpan.FromSeconds(seconds / 3));
            foreach (var (function, share) in await screen.ProfileAsync(TimeSpan.FromSeconds(Math.Min(10, seconds / 3)), 15))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  page self time {share:P1}  {function}"));
            }
        }

        var drive = await driving;

        // The tail: until the probe stops growing (at most 10 s).
        var size = -1;
        for (var i = 0; i < 20 && await screen.ProbeSizeAsync() is var now && now != size; i++)
        {
            size = now;
            await Task.Delay(500);
        }

        PushReport.Print(workers.Count, cases, drive, await screen.ReadAsync(), seconds);
        return 0;
    }

    /// <summary>Every worker once per <see cref="Period"/>, in <see cref="BatchesPerSecond"/> batches a second on a fixed schedule (open loop).</summary>
    private static async Task<PushDrive> DriveAsync(HttpClient client, string token, MovingWorkers workers, TimeSpan duration)
    {
        var size = (int)Math.Ceiling(workers.Count / (Period.TotalSeconds * BatchesPerSecond));
        var count = (int)(duration.TotalSeconds * BatchesPerSecond);
        var sentAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var batchOf = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var requests = new List<Task<long>>(count);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / BatchesPerSecond);
            if (due - watch.Elapsed is { TotalMilliseconds: > 1 } wait)
            {
                await Task.Delay(wait);
            }

            var fixes = new List<string>(size);
            var body = workers.NextBatch(size, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), fixes);
            var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var fix in fixes)
            {
                sentAt[fix] = sent;
                batchOf[fix] = i;
            }

            requests.Add(AcknowledgedAsync(PostPositionsAsync(client, token, body), sent));
        }

        // How long each request took to be answered (its positions durable), −1 for a failed one.
        var acknowledged = await Task.WhenAll(requests);
        return new PushDrive(size, Period, new Dictionary<string, long>(sentAt, StringComparer.Ordinal), new Dictionary<string, int>(batchOf, StringComparer.Ordinal), acknowledged);

        static async Task<long> AcknowledgedAsync(Task<bool> request, long sent) =>
            await request ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - sent : -1;
    }


    /// <summary>Open cases at random points of the county (a point between grids is refused with 400 and replaced).</summary>
    private static async Task<(int Created, int Refused)> CreateCasesAsync(HttpClient client, string duty, MovingWorkers places, int count)
    {
        var created = 0;
        var refused = 0;
        var random = new Random(1224);
        await Task.WhenAll(Enumerable.Range(0, CaseClients).Select(async _ =>
        {
            while (Interlocked.Increment(ref created) is var n && n <= count)
            {
                while (true)
                {
                    (double Lat, double Lon) point;
                    lock (random)
                    {
                        point = places.PointIn(CaseCounty, random);
                    }

                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cases");
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", duty);
                    request.Content = JsonContent.Create(new
                    {
                        channel = "walk_in",
                        category = Categories[n % Categories.Length],
                        urgency = n % 10 == 0 ? "high" : "medium",
                        title = $"压测案件 {n}",
                        description = "推送压测：群众来访反映的矛盾纠纷",
                        lat = point.Lat,
                        lon = point.Lon,
                    });
                    using var response = await client.SendAsync(request);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }

                    var text = await response.Content.ReadAsStringAsync();
                    if ((int)response.StatusCode != 400 || !text.Contains("不在任何网格内", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"POST /api/cases: {(int)response.StatusCode} {text}");
                    }

                    Interlocked.Increment(ref refused);
                }
            }
        }));
        return (count, refused);
    }

    private static async Task<bool> PostPositionsAsync(HttpClient client, string token, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/positions");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            Console.WriteLine($"POST /api/positions: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return response.IsSuccessStatusCode;
    }

    private static async Task<string> TokenAsync(HttpClient client, string userName)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password = "demo" });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private static async Task<string> Get(HttpClient client, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static HttpClient Authorized(Uri baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(1) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
