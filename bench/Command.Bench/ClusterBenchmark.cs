using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Npgsql;

namespace Command.Bench;

/// <summary>
/// cluster: two silo processes (Release, Production, the demo county, no simulator) over one fresh PostgreSQL database
/// on this machine, driven over HTTP straight at each silo (no load balancer). Prints, from one run:
/// case-commands/s with one silo and then with two (<see cref="CaseWorkload"/>, closed loop); what became of conflicting
/// case actions sent through both at once (<see cref="ClusterActions"/>); how long a case registered through silo A
/// takes to reach a screen connected to silo B; and how long after a kill -9 of silo B its cases answer through A.
/// Figures are printed as measured, failures included; it asserts nothing.
/// </summary>
internal static class ClusterBenchmark
{
    private const int Grids = 48;
    private const int FirstClients = 16;
    private const int MaxClients = 256;
    private const int ConflictCases = 72;
    private const int ConflictParallel = 12;
    private const int PushCases = 60;
    private const double PushRate = 5;
    private static readonly TimeSpan PushWithin = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FailoverPatience = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var admin = PostgresSetup.AdminConnectionString(out var why);
        if (admin is null)
        {
            Console.WriteLine($"[cluster] PostgreSQL is not available ({why}): run infra/postgres/ensure-postgres.sh (needs root or sudo once) or set COMMAND_TEST_POSTGRES to an admin connection string.");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"two silo processes over one PostgreSQL database, {Environment.ProcessorCount} cores shared by both; closed loops of {seconds:0} s from {FirstClients} clients, ×4 while they gain 5 %"));
        var database = $"command_bench_{Guid.NewGuid():N}";
        await PostgresSetup.ExecuteAsync(admin, $"CREATE DATABASE {database}");
        try
        {
            await MeasureAsync(new NpgsqlConnectionStringBuilder(admin) { Database = database }.ToString(), seconds);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await CasesBenchmark.DropAsync(admin, database);
        }

        return 0;
    }

    private static async Task MeasureAsync(string connection, double seconds)
    {
        var duration = TimeSpan.FromSeconds(seconds);
        await using var a = await SiloProcess.StartAsync(Settings(connection), timeout: TimeSpan.FromMinutes(3));
        using var clientA = Client(a.BaseAddress);
        var workA = await CaseWorkload.PrepareAsync(clientA, Grids);
        await CasesBenchmark.ClosedLoopAsync([workA], 32, TimeSpan.FromSeconds(5));
        var one = await RampAsync("one silo", [workA], duration);

        // Silo B joins the running cluster (one at a time: start-up seeding is not yet safe to run twice at once).
        await using var b = await SiloProcess.StartAsync(Settings(connection), timeout: TimeSpan.FromMinutes(3));
        using var clientB = Client(b.BaseAddress);
        var workB = await CaseWorkload.PrepareAsync(clientB, Grids);
        await CasesBenchmark.ClosedLoopAsync([workA, workB], 32, TimeSpan.FromSeconds(5));
        var two = await RampAsync("two silos", [workA, workB], duration);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"case-commands/s: {one.Rate:0} with one silo ({one.Clients} clients), {two.Rate:0} with two ({two.Clients} clients, half through each); failed commands: {workA.Failed + workB.Failed}"));
        foreach (var failure in workA.FirstFailures.Concat(workB.FirstFailures).Take(5))
        {
            Console.WriteLine($"  failed: {failure}");
        }

        foreach (var (name, silo) in (ReadOnlySpan<(string, SiloProcess)>)[("A", a), ("B", b)])
        {
            foreach (var line in SiloProcess.FirstErrors(silo.Output, 3))
            {
                Console.WriteLine($"  silo {name}: {line}");
            }
        }

        var conflicted = await ConflictsAsync(clientA, clientB);
        await PushAsync(a, b, clientA);
        await FailoverAsync(a, b, clientA, conflicted);
    }

    /// <summary>More clients until the rate stops growing.</summary>
    private static async Task<(double Rate, int Clients)> RampAsync(string name, IReadOnlyList<CaseWorkload> workloads, TimeSpan duration)
    {
        var best = (Rate: 0.0, Clients: 0);
        for (var clients = FirstClients; clients <= MaxClients; clients *= 4)
        {
            var rate = await CasesBenchmark.ClosedLoopAsync(workloads, clients, duration);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{name}] closed loop, {clients} clients: {rate:0} commands/s"));
            var gained = rate > best.Rate * 1.05;
            best = rate > best.Rate ? (rate, clients) : best;
            if (!gained)
            {
                break;
            }
        }

        return best;
    }

    /// <summary>Conflicting actions on fresh cases through both silos; answers the cases' codes.</summary>
    private static async Task<IReadOnlyList<string>> ConflictsAsync(HttpClient clientA, HttpClient clientB)
    {
        var actions = await ClusterActions.PrepareAsync([clientA, clientB]);
        var cases = new List<string>();
        for (var i = 0; i < ConflictCases; i++)
        {
            cases.Add(await actions.CreateCaseAsync(i % 2));
        }

        await actions.RunAsync(cases, 0, ClusterActions.Rounds, [0, 1], ConflictParallel, "both silos");
        var readback = await actions.ReadBackAsync(cases, [0, 1], TimeSpan.FromMinutes(1));
        var answers = actions.Answers;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cluster-actions: {answers.Count(s => s.Acknowledged)} acknowledged, {readback.Lost.Select(l => (l.Code, l.Note)).Distinct().Count()} lost, {answers.Count(s => s.ServerError)} 5xx"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  of {answers.Count} actions on {cases.Count} cases (two at once per case, one through each silo): {answers.Count(s => s.Status is >= 400 and < 500)} refused (4xx), {answers.Count(s => s.Status is null)} unanswered; {readback.Unread.Count} histories could not be read back"));
        foreach (var failure in answers.Where(s => s.ServerError || s.Status is null).Concat(readback.Lost).Take(5).Select(f => f.ToString().ReplaceLineEndings(" ")))
        {
            Console.WriteLine($"  {failure[..Math.Min(300, failure.Length)]}");
        }

        return cases;
    }

    /// <summary>Cases registered through silo A at a steady rate; when each first reaches a screen on B, and one on A for comparison.</summary>
    private static async Task PushAsync(SiloProcess a, SiloProcess b, HttpClient clientA)
    {
        var dutyA = await CaseWorkload.SignInAsync(clientA, "duty");
        using var clientB = Client(b.BaseAddress);
        await using var local = await CaseScreen.WatchAsync(a.BaseAddress, dutyA, ClusterActions.County);
        await using var other = await CaseScreen.WatchAsync(b.BaseAddress, await CaseWorkload.SignInAsync(clientB, "duty"), ClusterActions.County);

        var actions = await ClusterActions.PrepareAsync([clientA]);
        var sent = new List<(string Code, long At)>();
        var watch = Stopwatch.StartNew();
        var failed = 0;
        for (var i = 0; i < PushCases; i++)
        {
            if (TimeSpan.FromSeconds(i / PushRate) - watch.Elapsed is { TotalMilliseconds: > 1 } wait)
            {
                await Task.Delay(wait);
            }

            var at = Stopwatch.GetTimestamp();
            try
            {
                sent.Add((await actions.CreateCaseAsync(0), at));
            }
            catch (InvalidOperationException)
            {
                failed++;
            }
        }

        await Task.Delay(PushWithin);
        Report("cluster-push-p99-ms", other, "silo B (the other)");
        Report("same-silo-push-p99-ms", local, "silo A (the same)");

        void Report(string figure, CaseScreen screen, string where)
        {
            var arrived = sent.Select(s => screen.SeenAt(s.Code) is { } seen ? Stopwatch.GetElapsedTime(s.At, seen).TotalMilliseconds : double.NaN)
                .Where(ms => !double.IsNaN(ms) && ms <= PushWithin.TotalMilliseconds).Order().ToArray();
            var counted = string.Create(CultureInfo.InvariantCulture,
                $"{arrived.Length} of {sent.Count} cases registered through silo A reached a screen on {where} within {PushWithin.TotalSeconds:0} s{(failed > 0 ? $"; {failed} registrations failed" : string.Empty)}");

            // A p99 needs 99 % of the changes: with more missing, it is at least the wait, not a figure.
            Console.WriteLine(arrived.Length > 0 && arrived.Length >= Math.Ceiling(0.99 * sent.Count)
                ? string.Create(CultureInfo.InvariantCulture, $"{figure}: {CasesBenchmark.Percentile(arrived, 0.99):0.0} ({counted}; p50 {CasesBenchmark.Percentile(arrived, 0.50):0.0})")
                : $"{figure}: n/a ({counted})");
        }
    }

    /// <summary>
    /// kill -9 of silo B; then the cases whose last change was logged by B are read through A until each answers. The
    /// figure is the time until the last of them did.
    /// </summary>
    private static async Task FailoverAsync(SiloProcess a, SiloProcess b, HttpClient clientA, IReadOnlyList<string> cases)
    {
        var onB = cases.Where(code => b.Output.Contains($"Case {code}: ", StringComparison.Ordinal) && !a.Output.Contains($"Case {code}: ", StringComparison.Ordinal)).ToList();
        var targets = onB.Count > 0 ? onB : cases;
        var duty = await CaseWorkload.SignInAsync(clientA, "duty");

        var watch = Stopwatch.StartNew();
        await b.KillAsync();
        using var patience = new CancellationTokenSource(FailoverPatience);
        var errors = 0;
        var served = await Task.WhenAll(targets.Select(async code =>
        {
            while (!patience.IsCancellationRequested)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{code}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", duty);
                try
                {
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(patience.Token);
                    attempt.CancelAfter(TimeSpan.FromSeconds(2));
                    using var response = await clientA.SendAsync(request, attempt.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return watch.Elapsed.TotalSeconds;
                    }

                    if ((int)response.StatusCode >= 500)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }

            return double.NaN;
        }));

        var answered = served.Where(s => !double.IsNaN(s)).Order().ToArray();
        var which = onB.Count > 0 ? $"{targets.Count} cases last changed on silo B" : $"all {targets.Count} cases (none found in silo B's log)";
        Console.WriteLine(answered.Length == targets.Count
            ? string.Create(CultureInfo.InvariantCulture,
                $"failover-seconds: {answered[^1]:0.0} (kill -9 of silo B until the {which} answered through silo A; the first after {answered[0]:0.0} s; {errors} 5xx answers meanwhile)")
            : string.Create(CultureInfo.InvariantCulture,
                $"failover-seconds: n/a ({answered.Length} of the {which} answered through silo A within {FailoverPatience.TotalMinutes:0} min; {errors} 5xx answers)"));
    }

    private static Dictionary<string, string> Settings(string connection)
    {
        var settings = SiloProcess.ClusterNode(connection);
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["Demo__Enabled"] = "true";
        settings["Demo__Simulate"] = "false";

        // Revisits fall due at once (the workload revisits and archives right after the close).
        settings["Cases__Callback"] = "00:00:00.001";
        settings["Cases__RevisitWeek"] = "00:00:00.001";
        settings["Cases__RevisitMonth"] = "00:00:00.001";

        // Each case change is logged (at Debug) by the silo its grain lives on: how the failover finds B's cases.
        settings["Serilog__MinimumLevel__Override__Command.Grains.Cases.CaseGrain"] = "Debug";
        return settings;
    }

    private static HttpClient Client(Uri silo) => new(new SocketsHttpHandler { MaxConnectionsPerServer = MaxClients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = silo,
        Timeout = TimeSpan.FromSeconds(60),
    };
}
