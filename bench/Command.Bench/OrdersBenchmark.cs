using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Command.Bench;

/// <summary>
/// orders: how fast a dispatch order (调度指令) reaches its receivers. Starts the silo (the demo county, no simulator), opens
/// the inbox hub as each township center of the county (what their consoles and phones watch), and has the duty officer
/// issue orders to all of them, one after another. For each receiver: latency = when its connection got the <c>Order</c>
/// push − when the POST was answered (negative: the push came first, as the grain pushes before it answers), and − when the
/// POST was sent. Prints figures; asserts nothing.
/// </summary>
internal static class OrdersBenchmark
{
    private const string County = "150123";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        var configuration = args.Length > 2 ? args[2] : "Release";
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string> { ["Demo__Enabled"] = "true", ["Demo__Simulate"] = "false", ["Serilog__MinimumLevel__Default"] = "Warning" },
            configuration, TimeSpan.FromMinutes(2));
        using var client = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client, "duty"));
        using var county = JsonDocument.Parse(await client.GetStringAsync($"/api/regions/{County}"));
        var townships = county.RootElement.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToList();

        var clock = Stopwatch.StartNew();
        var arrivals = new ConcurrentDictionary<(string Order, string Township), double>();
        var hubs = new List<HubConnection>();
        try
        {
            foreach (var township in townships)
            {
                var token = await TokenAsync(client, $"town-{township}");
                var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(silo.BaseAddress, "/hubs/inbox"), o =>
                    {
                        o.Transports = HttpTransportType.WebSockets;
                        o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    })
                    .Build();
                hub.On<JsonElement>("Order", order => arrivals.TryAdd((order.GetProperty("id").GetString()!, township), clock.Elapsed.TotalMilliseconds));
                await hub.StartAsync();
                await hub.InvokeAsync<JsonElement>("Watch");
                hubs.Add(hub);
            }

            var targets = townships.Select(t => $"center-{t}").ToArray();
            var sent = new List<(string Id, double Sent, double Answered)>();
            for (var i = 0; i < count + 10; i++)
            {
                var at = clock.Elapsed.TotalMilliseconds;
                using var response = await client.PostAsJsonAsync("/api/orders", new { targets, text = $"测量指令 {i}", signBy = DateTimeOffset.UtcNow.AddHours(1) });
                var answered = clock.Elapsed.TotalMilliseconds;
                response.EnsureSuccessStatusCode();
                var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                if (i >= 10)
                {
                    sent.Add((id, at, answered));   // the first ten warm up
                }
            }

            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (arrivals.Count < (count + 10) * townships.Count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            var fromAnswer = new List<double>();
            var fromSend = new List<double>();
            var missing = 0;
            foreach (var (id, at, answered) in sent)
            {
                foreach (var township in townships)
                {
                    if (arrivals.TryGetValue((id, township), out var arrived))
                    {
                        fromAnswer.Add(arrived - answered);
                        fromSend.Add(arrived - at);
                    }
                    else
                    {
                        missing++;
                    }
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"orders: {sent.Count} orders to {townships.Count} township centers each ({configuration}), {fromSend.Count} pushes received, {missing} missing"));
            Console.WriteLine($"push − POST sent (ms):     {Summary(fromSend)}");
            Console.WriteLine($"push − POST answered (ms): {Summary(fromAnswer)}");
            Console.WriteLine($"POST round trip (ms):      {Summary([.. sent.Select(s => s.Answered - s.Sent)])}");
            return 0;
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }

            await silo.InterruptAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static string Summary(List<double> values)
    {
        if (values.Count == 0)
        {
            return "none";
        }

        values.Sort();
        double P(double q) => values[Math.Min(values.Count - 1, (int)(q * values.Count))];
        return string.Create(CultureInfo.InvariantCulture, $"p50 {P(.5):F1}  p95 {P(.95):F1}  p99 {P(.99):F1}  max {values[^1]:F1}  min {values[0]:F1}");
    }

    private static async Task<string> TokenAsync(HttpClient client, string user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { userName = user, password = "demo" }) };
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
