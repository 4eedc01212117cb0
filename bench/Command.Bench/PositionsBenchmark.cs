using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Command.Bench;

/// <summary>
/// positions: starts the silo (SQLite, demo data) as its own process and drives it over loopback: a no-op
/// endpoint, OsmAnd requests (one position each) and JSON batches. Every position is durable when answered.
/// </summary>
internal static class PositionsBenchmark
{
    private const int Connections = 64;
    private const int BatchSize = 5000;
    private const int BatchClients = 8;
    private const double Lat = 40.38;   // 和林格尔县 seat
    private const double Lon = 111.82;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var duration = TimeSpan.FromSeconds(seconds);
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string>
        {
            ["Diagnostics__NoopEndpoint"] = "true",
            ["Serilog__MinimumLevel__Default"] = "Warning",
        });
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = silo.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

        var token = await client.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password = "demo" });
        token.EnsureSuccessStatusCode();
        using var tokenJson = JsonDocument.Parse(await token.Content.ReadAsStringAsync());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokenJson.RootElement.GetProperty("token").GetString());
        using var workers = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/workers?region=150123&pageSize=1000", UriKind.Relative)));
        var devices = workers.RootElement.GetProperty("items").EnumerateArray().Select(w => w.GetProperty("deviceId").GetString()!).ToArray();
        Console.WriteLine($"silo pid {silo.Process.Id}, {devices.Length} workers of the demo county, {Connections} connections, {seconds} s per phase");

        // Warm up every path once (JIT, connections, worker activations).
        await RunPhaseAsync(TimeSpan.FromSeconds(2), Connections, (i, n) => Noop(client));
        await RunPhaseAsync(TimeSpan.FromSeconds(3), Connections, (i, n) => OsmAnd(client, devices, i, n, offsetMinutes: 20));

        var noop = await RunPhaseAsync(duration, Connections, (i, n) => Noop(client));
        var osmand = await RunPhaseAsync(duration, Connections, (i, n) => OsmAnd(client, devices, i, n, offsetMinutes: 10));
        var batch = await RunPhaseAsync(duration, BatchClients, (i, n) => Batch(client, devices, i, n));

        var noopRate = noop / duration.TotalSeconds;
        var osmandRate = osmand / duration.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"noop-requests/s: {noopRate:0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"osmand-positions/s: {osmandRate:0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"osmand/noop: {osmandRate / noopRate:P1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch-positions/s: {batch / duration.TotalSeconds:0} ({BatchClients} clients, {BatchSize} positions per request)"));
        return 0;
    }

    private static async Task<long> Noop(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/noop", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return 1;
    }

    /// <summary>One OsmAnd request. Loop i uses its own workers and a strictly rising clock, so no fix repeats.</summary>
    private static async Task<long> OsmAnd(HttpClient client, string[] devices, int loop, long n, int offsetMinutes)
    {
        var device = devices[(int)((loop + (n * Connections)) % devices.Length)];
        var time = DateTimeOffset.UtcNow.AddMinutes(-offsetMinutes).ToUnixTimeMilliseconds() + (n * Connections) + loop;
        var url = string.Create(CultureInfo.InvariantCulture,
            $"/osmand?id={device}&lat={Lat + (n % 100 * 1e-4):0.000000}&lon={Lon + (loop * 1e-4):0.000000}&timestamp={time}&speed=1.2&batt=88");
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return 1;
    }

    private static async Task<long> Batch(HttpClient client, string[] devices, int loop, long n)
    {
        var body = new StringBuilder(BatchSize * 110).Append("{\"positions\":[");
        var baseTime = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        for (var i = 0; i < BatchSize; i++)
        {
            var k = (n * BatchSize) + i;
            body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"id\":\"{devices[(int)(k % devices.Length)]}\",\"lat\":{Lat + (i % 50 * 1e-4):0.000000},\"lon\":{Lon + (loop * 1e-3):0.000000},\"timestamp\":{baseTime + (k / devices.Length * 10) + loop},\"speed\":1.1}}");
        }

        using var content = new StringContent(body.Append("]}").ToString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/api/positions", UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
        return BatchSize;
    }

    /// <summary>Runs <paramref name="loops"/> loops for the duration; returns what they counted.</summary>
    private static async Task<long> RunPhaseAsync(TimeSpan duration, int loops, Func<int, long, Task<long>> step)
    {
        var watch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, loops).Select(async loop =>
        {
            long count = 0;
            for (long n = 0; watch.Elapsed < duration; n++)
            {
                count += await step(loop, n);
            }

            return count;
        }));
        return counts.Sum();
    }
}
