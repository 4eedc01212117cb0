using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Command.Web.Tests;

/// <summary>One silo with the demo county and its accounts, shared by a test class; clients sign in by token.</summary>
public class DemoSilo : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, string> tokens = new();

    public DemoSilo()
        : this([])
    {
    }

    /// <summary>The demo silo with extra settings (a subclass is a fixture with its own limits).</summary>
    protected DemoSilo(Dictionary<string, string?> settings)
    {
        settings["Demo:Enabled"] = "true";
        Factory = new SiloFactory(settings);
    }

    public SiloFactory Factory { get; }

    public const string County = "150123";
    public const string Chengguan = "150123100";   // 城关镇
    public const string Shengle = "150123101";     // 盛乐镇

    public Task InitializeAsync()
    {
        using var client = Factory.CreateClient();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Factory.DisposeAsync().AsTask();

    public HttpClient Anonymous() => Factory.CreateClient();

    /// <summary>A client signed in (bearer token) as a demo user.</summary>
    public async Task<HttpClient> As(string userName)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenOf(userName));
        return client;
    }

    /// <summary>A demo user's bearer token (for the API and the hub).</summary>
    public async Task<string> TokenOf(string userName)
    {
        if (!tokens.TryGetValue(userName, out var token))
        {
            using var anonymous = Factory.CreateClient();
            var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { userName, password = "demo" });
            response.EnsureSuccessStatusCode();
            token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            tokens[userName] = token;
        }

        return token;
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A worker of a region as the admin sees it (with the device id).</summary>
    public async Task<(long Id, string DeviceId, string GridCode)> WorkerIn(string regionCode)
    {
        using var admin = await As("admin");
        var page = await Json(await admin.GetAsync($"/api/workers?region={regionCode}&pageSize=1"));
        var item = page.GetProperty("items")[0];
        return (item.GetProperty("id").GetInt64(), item.GetProperty("deviceId").GetString()!, item.GetProperty("gridCode").GetString()!);
    }
}
