using System.Net.Http.Json;
using System.Globalization;
using Command.Bench;
using Command.Data;
using Command.Testing;

namespace Command.Web.Tests;

/// <summary>
/// Two silo processes over one PostgreSQL database, as infra/cluster/up.sh runs them (without the proxy): what a duty
/// officer and a department at two consoles, each on another silo, see when they act on the same cases at once, and
/// when one silo dies under them.
/// </summary>
public sealed class ClusterProcessTests
{
    private const int Cases = 8;

    [SkippableFact]
    public async Task Conflicting_case_actions_through_two_silos_are_all_kept_and_answered_without_a_5xx_even_when_one_silo_is_killed()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres);

        // One after the other: the second joins a running cluster.
        await using var a = await DemoClusterNode.StartAsync(DemoClusterNode.Settings(database));
        await using var b = await DemoClusterNode.StartAsync(DemoClusterNode.Settings(database));
        using var throughA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using var throughB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var actions = await ClusterActions.PrepareAsync([throughA, throughB]);
        var cases = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            cases.Add(await actions.CreateCaseAsync(i % 2));
        }

        // Every step twice at once, through A and B; then B dies (kill -9) and the rest of each case goes through A alone,
        // including the cases whose grains lived on B.
        const int BeforeKill = 4;
        await actions.RunAsync(cases, 0, BeforeKill, [0, 1], Cases, "through A and B");
        await b.KillAsync();
        await actions.RunAsync(cases, BeforeKill, ClusterActions.Rounds, [0], Cases, "through A after B was killed");
        var readback = await actions.ReadBackAsync(cases, [0], TimeSpan.FromMinutes(2));

        var answers = actions.Answers;
        Assert.True(readback.Unread.Count == 0, "Histories that silo A never served:\n" + string.Join('\n', readback.Unread));
        Assert.True(readback.Lost.Count == 0, $"{readback.Lost.Count} of {answers.Count(s => s.Acknowledged)} acknowledged actions are missing from the history:\n"
            + string.Join('\n', readback.Lost));
        var failed = answers.Where(s => s.ServerError || s.Status is null).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {answers.Count} actions were answered 5xx or not at all ("
            + string.Join(", ", failed.GroupBy(f => f.Phase).Select(p => $"{p.Count()} of {answers.Count(s => s.Phase == p.Key)} {p.Key}")) + "):\n"
            + string.Join('\n', failed.Take(20))
            + "\nSilo A's first errors:\n" + string.Join('\n', SiloProcess.FirstErrors(a.Output, 3)));
    }

    [SkippableFact]
    public async Task Sign_for_deadlines_pending_on_a_killed_silo_fire_once_on_the_other()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        await using var a = await DemoClusterNode.StartAsync(ShortDeadlines(DemoClusterNode.Settings(database)));
        await using var b = await DemoClusterNode.StartAsync(ShortDeadlines(DemoClusterNode.Settings(database)));
        using var throughA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using var throughB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var actions = await ClusterActions.PrepareAsync([throughA, throughB]);
        var cases = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            cases.Add(await actions.CreateCaseAsync(1));
        }

        // B dies before any sign-for limit has passed; the reminders it held, and the cases it ran, go to A.
        await b.KillAsync();
        using var signIn = await throughA.PostAsJsonAsync("/api/auth/token", new { userName = "duty", password = "demo" });
        signIn.EnsureSuccessStatusCode();
        var token = (await signIn.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;
        foreach (var code in cases)
        {
            await Eventually.Until(() => UnsignedAsync(throughA, token, code), n => n > 0, TimeSpan.FromMinutes(2), $"the 未签收 warning on {code} through silo A");
        }

        // Once: a deadline a reminder and the sweep both reach is still one warning and one history entry.
        await Task.Delay(TimeSpan.FromSeconds(12));
        foreach (var code in cases)
        {
            Assert.Equal(1L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM warnings WHERE case_code = $1 AND kind = 'unsigned'", code), CultureInfo.InvariantCulture));
            Assert.Equal(1L, Convert.ToInt64(await database.ScalarAsync("SELECT count(*) FROM case_events WHERE case_code = $1 AND action = 'Deadline'", code), CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Deadlines short enough to fall due in a test; reminders may tick that often.</summary>
    private static Dictionary<string, string> ShortDeadlines(Dictionary<string, string> settings)
    {
        settings["Cases__SignYellow"] = "00:00:20";
        settings["Cases__SignRed"] = "00:10:00";
        settings["Cases__DeadlineRetry"] = "00:00:05";
        settings["Silo__ReminderMinimumPeriod"] = "00:00:05";
        return settings;
    }

    /// <summary>How many 未签收 warnings the case shows through a silo (0 while it cannot be read).</summary>
    private static async Task<int> UnsignedAsync(HttpClient silo, string token, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{code}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await silo.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        using var view = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return view.RootElement.GetProperty("warnings").EnumerateArray().Count(w => w.GetProperty("kind").GetString() == "unsigned");
    }

}
