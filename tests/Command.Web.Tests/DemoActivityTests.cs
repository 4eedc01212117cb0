using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Command.Web.Tests;

/// <summary>The demo county comes alive on its own: cases arrive, centers dispatch, units sign or let them lapse, warnings appear.</summary>
public sealed class DemoActivityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    /// <summary>Demo limits shrunk to seconds, every day a working day, a case every 0.3 s and a patrol step every second.</summary>
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Demo:Enabled"] = "true",
        ["Demo:Simulate"] = "true",
        ["Demo:CaseEvery"] = "00:00:00.3",
        ["Demo:PatrolEvery"] = "00:00:01",
        ["Cases:SignYellow"] = "00:00:05",
        ["Cases:SignRed"] = "00:00:10",
        ["Cases:WorkerResponse"] = "00:00:05",
        ["Cases:WorkerResponseRed"] = "00:00:10",
        ["Cases:SimpleLimit"] = "00:00:20",
        ["Cases:GeneralLimit"] = "00:00:30",
        ["Cases:ComplexLimit"] = "00:00:40",
        ["Cases:DepartmentYellow"] = "00:00:15",
        ["Cases:DepartmentRed"] = "00:00:30",
        ["Cases:RedCardAfter"] = "00:00:10",
        ["Cases:RevisitWeek"] = "00:00:10",
        ["Cases:RevisitMonth"] = "00:00:20",
        ["Cases:Callback"] = "00:00:10",
        ["Calendar:WorkingDaysOnly"] = "false",
        ["Calendar:WorkDayStart"] = "00:00:00",
        ["Calendar:WorkDayEnd"] = "23:59:59",
    };

    [Fact]
    public async Task With_the_simulator_on_cases_arrive_the_duty_officer_dispatches_units_sign_and_unsigned_warnings_appear()
    {
        await using var factory = new SiloFactory(Fast);
        using var duty = await SignInAsync(factory, "duty");
        var watch = Stopwatch.StartNew();

        // Units act: some case got past 待签收 (signed for, by the simulated unit), and some unit let one lapse.
        // Grid workers report too; the channel is drawn at random (two in five), so wait for one rather than count on the first ten.
        await UntilAsync(duty, "/api/cases?pageSize=200", page =>
            page.GetProperty("total").GetInt32() >= 10
            && page.GetProperty("items").EnumerateArray().Any(c => c.GetProperty("status").GetString() is "in_progress" or "resolved" or "closed")
            && page.GetProperty("items").EnumerateArray().Any(c => c.GetProperty("channel").GetString() == "grid"));
        var warnings = await UntilAsync(duty, "/api/warnings?kind=unsigned", page => page.GetProperty("total").GetInt32() > 0);

        // Cases no rule matched waited at the county center; the duty officer dispatched them.
        var dispatchedByDuty = false;
        while (!dispatchedByDuty && watch.Elapsed < Patience)
        {
            foreach (var item in (await DemoSilo.Json(await duty.GetAsync("/api/cases?pageSize=200"))).GetProperty("items").EnumerateArray()
                .Where(c => c.GetProperty("status").GetString() != "accepted").Take(60))
            {
                var view = await DemoSilo.Json(await duty.GetAsync($"/api/cases/{item.GetProperty("code").GetString()}"));
                if (view.GetProperty("history").EnumerateArray().Any(e => e.GetProperty("action").GetString() == "dispatch" && e.GetProperty("actor").GetString() == "duty"))
                {
                    dispatchedByDuty = true;
                    break;
                }
            }
        }

        Assert.True(dispatchedByDuty, "no case was dispatched by the duty officer");
        Assert.Contains(warnings.GetProperty("items").EnumerateArray(), w => w.GetProperty("caseCode").GetString()?.StartsWith("150123-", StringComparison.Ordinal) == true);

        // About 60 % of the full-time workers (not everyone: a share stays in the office) are out on patrol.
        static int Patrolling(JsonElement page) => page.GetProperty("items").EnumerateArray().Count(w => w.GetProperty("statusName").GetString() == "巡查中");
        var workers = await UntilAsync(duty, "/api/workers?pageSize=1000", page => Patrolling(page) >= page.GetProperty("total").GetInt32() / 4);
        Assert.InRange(Patrolling(workers), workers.GetProperty("total").GetInt32() / 4, workers.GetProperty("total").GetInt32() * 3 / 4);
    }

    [Fact]
    public async Task Outside_development_the_simulator_stays_off_unless_asked()
    {
        await using var factory = new SiloFactory(new() { ["Demo:Enabled"] = "true", ["Demo:CaseEvery"] = "00:00:00.1" });
        using var duty = await SignInAsync(factory, "duty");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.False(factory.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Simulate);
        Assert.Equal(0, (await DemoSilo.Json(await duty.GetAsync("/api/cases"))).GetProperty("total").GetInt32());
    }

    private static async Task<HttpClient> SignInAsync(SiloFactory factory, string userName)
    {
        var client = factory.CreateClient();
        var token = await DemoSilo.Json(await client.PostAsJsonAsync("/api/auth/token", new { userName, password = "demo" }));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        return client;
    }

    /// <summary>Polls a GET until the answer satisfies the condition; fails with the last answer when patience runs out.</summary>
    private static async Task<JsonElement> UntilAsync(HttpClient client, string url, Func<JsonElement, bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var answer = await DemoSilo.Json(await client.GetAsync(url));
            if (done(answer))
            {
                return answer;
            }

            var text = answer.ToString();
            Assert.True(watch.Elapsed < Patience, $"{url} did not get there within {Patience.TotalSeconds:0} s: {text[..Math.Min(text.Length, 2000)]}");
            await Task.Delay(500);
        }
    }
}
