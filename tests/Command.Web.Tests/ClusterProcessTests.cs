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

    private static readonly string Configuration =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    [SkippableFact]
    public async Task Conflicting_case_actions_through_two_silos_are_all_kept_and_answered_without_a_5xx_even_when_one_silo_is_killed()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres);

        // One after the other: the second joins a running cluster.
        await using var a = await SiloProcess.StartAsync(Settings(database), Configuration, TimeSpan.FromMinutes(3));
        await using var b = await SiloProcess.StartAsync(Settings(database), Configuration, TimeSpan.FromMinutes(3));
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

    private static Dictionary<string, string> Settings(TestDatabase database)
    {
        var settings = SiloProcess.ClusterNode(database.ConnectionString, poolSize: 8);
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["Demo__Enabled"] = "true";
        settings["Demo__Simulate"] = "false";
        return settings;
    }
}
