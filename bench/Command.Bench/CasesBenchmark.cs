using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Command.Bench;

/// <summary>
/// cases: the real silo (Release, Production environment, production-length limits, the demo county, no simulator)
/// as its own process, once on SQLite and once on a fresh PostgreSQL database, driven over HTTP with a mixed case
/// workload (<see cref="CaseWorkload"/>). Each command is one request, answered once it is durable. Prints p50/p99
/// latency at a steady open-loop 200 commands/s measured from each command's scheduled send time (so queueing counts),
/// the most commands/s a closed loop of clients sustains (more clients until it stops gaining), and the failed commands.
/// </summary>
internal static class CasesBenchmark
{
    private const int Grids = 48;
    private const double OpenRate = 200;
    private const int FirstClients = 16;
    private const int MaxClients = 1024;
    private static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan LeadIn = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"case commands over HTTP: open loop {OpenRate:0}/s × {OpenFor.TotalSeconds:0} s; then closed loop from {FirstClients} clients, ×4 while it gains 5 %, {seconds:0} s each; {Environment.ProcessorCount} cores"));
        var only = args.Length > 2 ? args[2] : null;
        if (only is null or "sqlite")
        {
            await MeasureAsync("sqlite", new Dictionary<string, string> { ["Storage__Provider"] = "Sqlite" }, seconds);
        }

        if (only is "sqlite")
        {
            return 0;
        }

        var admin = PostgresSetup.AdminConnectionString(out var why);
        if (admin is null)
        {
            Console.WriteLine($"[postgres] PostgreSQL is not available ({why}): run infra/postgres/ensure-postgres.sh (needs root or sudo once) or set COMMAND_TEST_POSTGRES to an admin connection string.");
            return 1;
        }

        var database = $"command_bench_{Guid.NewGuid():N}";
        await PostgresSetup.ExecuteAsync(admin, $"CREATE DATABASE {database}");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ToString();
            await MeasureAsync("postgres", new Dictionary<string, string> { ["Storage__Provider"] = "Postgres", ["Storage__ConnectionString"] = connection }, seconds);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await DropAsync(admin, database);
        }

        return 0;
    }

    /// <summary>Drops the run's database; a backend the bench may not end (autovacuum) only delays it, and a last failure is reported, not thrown.</summary>
    internal static async Task DropAsync(string admin, string database)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await PostgresSetup.ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege || e.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                if (attempt == 10)
                {
                    Console.WriteLine($"could not drop {database}: {e.MessageText}");
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private static async Task MeasureAsync(string name, Dictionary<string, string> storage, double seconds)
    {
        var settings = new Dictionary<string, string>(storage)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Demo__Enabled"] = "true",
            ["Demo__Simulate"] = "false",

            // Production limits, but revisits fall due at once: the workload revisits and archives right after the close.
            ["Cases__Callback"] = "00:00:00.001",
            ["Cases__RevisitWeek"] = "00:00:00.001",
            ["Cases__RevisitMonth"] = "00:00:00.001",
        };
        await using var silo = await SiloProcess.StartAsync(settings, timeout: TimeSpan.FromMinutes(2));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = MaxClients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = silo.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var workload = await CaseWorkload.PrepareAsync(client, Grids);

        // Warm up (JIT, connections, activations) and leave a backlog of open cases to act on.
        await ClosedLoopAsync(workload, 32, TimeSpan.FromSeconds(5));

        // Latency first, at a steady rate after an unmeasured lead-in: measured after the overload phases below it
        // would show their aftermath (grown heaps, a long WAL to checkpoint), not the steady state.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await OpenLoopAsync(workload, LeadIn);
        var latencies = await OpenLoopAsync(workload, OpenFor);

        // A machine that stalls (a busy host under a virtual machine) shows here as a few slow seconds in a quiet run.
        Console.WriteLine($"[{name}] slowest command in each second of the open loop (ms): "
            + string.Join(", ", latencies.Chunk((int)OpenRate).Select(c => c.Max().ToString("0", CultureInfo.InvariantCulture))));
        Array.Sort(latencies);

        // More clients until the rate stops growing: the group commit batches more as more commands wait.
        var best = (Rate: 0.0, Clients: 0);
        for (var clients = FirstClients; clients <= MaxClients; clients *= 4)
        {
            var rate = await ClosedLoopAsync(workload, clients, TimeSpan.FromSeconds(seconds));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{name}] closed loop, {clients} clients: {rate:0} commands/s"));
            var gained = rate > best.Rate * 1.05;
            best = rate > best.Rate ? (rate, clients) : best;
            if (!gained)
            {
                break;
            }
        }

        var total = workload.Mix.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{name}] case-commands/s: {best.Rate:0} (closed loop, {best.Clients} clients)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{name}] case-command-p50-ms: {Percentile(latencies, 0.50):0.0} (open loop {OpenRate:0}/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{name}] case-command-p99-ms: {Percentile(latencies, 0.99):0.0} (open loop {OpenRate:0}/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{name}] failed-commands: {workload.Failed} of {total + workload.Failed}"));
        Console.WriteLine($"[{name}] mix: " + string.Join(", ", workload.Mix.OrderByDescending(m => m.Value)
            .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {100.0 * m.Value / total:0.0}%"))));
        foreach (var failure in workload.FirstFailures)
        {
            Console.WriteLine($"[{name}] failed: {failure}");
        }
    }

    /// <summary>Clients that each send their next command as soon as the last one is answered; returns commands/s.</summary>
    private static Task<double> ClosedLoopAsync(CaseWorkload workload, int clients, TimeSpan duration) => ClosedLoopAsync([workload], clients, duration);

    /// <summary>The same with the clients spread evenly over several workloads (one per silo, say).</summary>
    internal static async Task<double> ClosedLoopAsync(IReadOnlyList<CaseWorkload> workloads, int clients, TimeSpan duration)
    {
        var watch = Stopwatch.StartNew();
        long done = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var workload = workloads[client % workloads.Count];
            while (watch.Elapsed < duration)
            {
                if (await workload.NextAsync())
                {
                    Interlocked.Increment(ref done);
                }
            }
        }));
        return done / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Commands sent on a fixed schedule whatever the answers; each latency counts from its scheduled send time.</summary>
    private static async Task<double[]> OpenLoopAsync(CaseWorkload workload, TimeSpan duration)
    {
        var count = (int)(OpenRate * duration.TotalSeconds);
        var latencies = new double[count];
        var sent = new Task[count];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var scheduled = TimeSpan.FromSeconds(i / OpenRate);
            if (scheduled - watch.Elapsed is { TotalMilliseconds: > 1 } wait)
            {
                await Task.Delay(wait);
            }

            var index = i;
            sent[i] = Task.Run(async () =>
            {
                await workload.NextAsync();
                latencies[index] = (watch.Elapsed - scheduled).TotalMilliseconds;
            });
        }

        await Task.WhenAll(sent);
        return latencies;
    }

    internal static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
