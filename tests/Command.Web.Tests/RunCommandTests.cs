using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Bench;

namespace Command.Web.Tests;

/// <summary>The product as a newcomer runs it: its own process, SQLite under the data directory, Ctrl-C to stop.</summary>
public sealed class RunCommandTests
{
    private static readonly string Configuration =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>How long a test waits for a silo to answer /healthz or to stop: patience on a loaded machine, not a promise (how fast it starts is for benchmarks).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_silo_process_answers_healthz_creates_its_database_and_stops_cleanly_on_ctrl_c()
    {
        await using var silo = await SiloProcess.StartAsync(configuration: Configuration, timeout: Patience);

        Assert.True(File.Exists(Path.Combine(silo.DataDirectory, "command.db")));
        Assert.Contains("every password is \"demo\"", silo.Output, StringComparison.Ordinal);
        Assert.Contains("town-150123100", silo.Output, StringComparison.Ordinal);

        // A scraper on this machine reads our meters and Orleans' side by side; through a proxy, /metrics is not there.
        using (var local = new HttpClient { BaseAddress = silo.BaseAddress })
        {
            var metrics = await local.GetStringAsync("/metrics");
            Assert.Contains("command_storage_duration", metrics, StringComparison.Ordinal);
            Assert.Contains("orleans_", metrics, StringComparison.Ordinal);
            using var proxied = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-Forwarded-For", "203.0.113.9" } } };
            Assert.Equal(HttpStatusCode.NotFound, (await local.SendAsync(proxied)).StatusCode);
        }

        Assert.Equal(0, await silo.InterruptAsync(Patience));
        Assert.Contains("Silo stopped gracefully", silo.Output, StringComparison.Ordinal);
        var log = Directory.GetFiles(Path.Combine(silo.DataDirectory, "logs"), "command-*.json").Single();
        var events = (await File.ReadAllLinesAsync(log)).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Contains(events, e =>
            e.GetProperty("MessageTemplate").GetString() == "Silo started on {Storage}"
            && e.GetProperty("Properties").GetProperty("Storage").GetString() == $"SQLite {Path.Combine(silo.DataDirectory, "command.db")}");
    }

    [Fact]
    public async Task A_position_acknowledged_before_the_process_is_killed_is_there_after_restart()
    {
        // Without the demo activity, whose patrols would move this worker on after the restart.
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["Demo__Simulate"] = "false" }, configuration: Configuration, timeout: Patience);
        using var client = new HttpClient { BaseAddress = silo.BaseAddress };
        var token = (await (await client.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password = "demo" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var worker = (await client.GetFromJsonAsync<JsonElement>("/api/workers?region=150123101&pageSize=1")).GetProperty("items")[0];
        var id = worker.GetProperty("id").GetInt64();
        var at = DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeSeconds();

        var report = await client.GetAsync(string.Create(CultureInfo.InvariantCulture, $"/osmand?id={worker.GetProperty("deviceId").GetString()}&lat=40.4012&lon=111.7891&timestamp={at}"));
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        await silo.KillAsync();
        await silo.RestartAsync(Patience);

        var after = await client.GetFromJsonAsync<JsonElement>($"/api/workers/{id}");
        Assert.Equal(40.4012, after.GetProperty("lastPosition").GetProperty("lat").GetDouble(), 6);
        Assert.Equal(111.7891, after.GetProperty("lastPosition").GetProperty("lon").GetDouble(), 6);
        Assert.Equal("在岗", after.GetProperty("statusName").GetString());
    }

    [Fact]
    public async Task A_case_acknowledged_before_the_process_is_killed_is_there_with_its_history_after_restart()
    {
        await using var silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["Demo__Simulate"] = "false" }, configuration: Configuration, timeout: Patience);
        using var client = new HttpClient { BaseAddress = silo.BaseAddress };
        var token = (await (await client.PostAsJsonAsync("/api/auth/token", new { userName = "duty", password = "demo" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await client.PostAsJsonAsync("/api/cases", new { channel = "walk_in", category = "10", urgency = "medium", title = "拖欠工资", description = "工地拖欠工资", regionCode = "150123101" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        var supervised = await client.PostAsJsonAsync($"/api/cases/{code}/supervise", new { level = "yellow", note = "欠薪案件请抓紧" });
        Assert.Equal(HttpStatusCode.OK, supervised.StatusCode);

        await silo.KillAsync();
        await silo.RestartAsync(Patience);

        var after = await client.GetFromJsonAsync<JsonElement>($"/api/cases/{code}");
        Assert.Equal(("dispatched", "yellow"), (after.GetProperty("status").GetString(), after.GetProperty("supervision").GetString()));
        Assert.Equal(["accept", "dispatch", "supervise"], after.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray());
    }

    [Fact]
    public async Task Importing_the_Tieling_city_builds_about_12000_grids_and_15000_workers()
    {
        var data = Path.Combine(Path.GetTempPath(), "command-import-tests", Guid.NewGuid().ToString("N"));
        try
        {
            // The import ends its process, also when it fails or runs out of patience.
            var output = await SiloProcess.ImportAsync(data, Configuration, TimeSpan.FromMinutes(10), "tieling");

            Assert.Contains("peak working set", output, StringComparison.Ordinal);
            await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "command.db")};Pooling=false");
            await db.OpenAsync();
            async Task<long> Count(string sql)
            {
                await using var command = db.CreateCommand();
                command.CommandText = sql;
                return (long)(await command.ExecuteScalarAsync())!;
            }

            Assert.InRange(await Count("SELECT count(*) FROM regions WHERE level = 4"), 11_000, 13_000);
            Assert.InRange(await Count("SELECT count(*) FROM workers"), 14_000, 16_000);
            Assert.Equal(1471, await Count("SELECT count(*) FROM regions WHERE level = 3"));
            Assert.Equal(0, await Count("SELECT count(*) FROM regions WHERE level = 4 AND synthetic = 0"));
            Assert.Equal(1, await Count("SELECT count(*) FROM audit_log WHERE action = 'import-regions'"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
