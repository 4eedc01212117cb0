using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Command.Web.Tests;

/// <summary>What a duty officer sees after the silo restarts.</summary>
public sealed class CaseRestartTests
{
    [Fact]
    public async Task Open_cases_and_their_warnings_count_at_once_after_a_restart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "command-web-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Storage:DataDirectory"] = directory };
        try
        {
            (int Open, int Warnings) before;
            await using (var first = new SiloFactory(settings))
            {
                using var duty = await SignIn(first);
                for (var i = 0; i < 2; i++)
                {
                    var created = await duty.PostAsJsonAsync("/api/cases", new { channel = "walk_in", category = "17", urgency = "high", title = "危桥", description = "d", regionCode = DemoSilo.Shengle });
                    await DemoSilo.Json(created);
                }

                before = await WaitForCounts(duty, c => c.Open == 2);
                Assert.Equal(2, before.Warnings);
            }

            await using var second = new SiloFactory(settings);
            using var again = await SignIn(second);
            var after = await WaitForCounts(again, c => c.Open == 2);
            Assert.Equal(before, after);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<HttpClient> SignIn(SiloFactory factory)
    {
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { userName = "duty", password = "demo" });
        var token = (await DemoSilo.Json(response)).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<(int Open, int Warnings)> WaitForCounts(HttpClient client, Func<(int Open, int Warnings), bool> done)
    {
        (int, int) counts = default;
        for (var i = 0; i < 100; i++)
        {
            var county = await DemoSilo.Json(await client.GetAsync($"/api/regions/{DemoSilo.County}"));
            var shengle = county.GetProperty("children").EnumerateArray().Single(c => c.GetProperty("code").GetString() == DemoSilo.Shengle).GetProperty("counts");
            counts = (shengle.GetProperty("openCases").GetInt32(), shengle.GetProperty("warnings").GetInt32());
            if (done(counts))
            {
                break;
            }

            await Task.Delay(100);
        }

        return counts;
    }
}
