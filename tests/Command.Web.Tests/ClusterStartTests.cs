using System.Globalization;
using System.Net;
using System.Text.Json;
using Command.Data;
using Command.Grains.Regions;
using Command.Testing;
using Npgsql;

namespace Command.Web.Tests;

/// <summary>Several silos started at the same moment over one fresh PostgreSQL database are one cluster with one copy of everything.</summary>
public sealed class ClusterStartTests
{
    [SkippableFact]
    public async Task Two_demo_silos_started_together_import_the_county_once_and_create_each_account_once()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = Together.SmallPools(database),
            ["Demo:Enabled"] = "true",
            ["Demo:Simulate"] = "true",
        };
        await using var a = new SiloFactory(settings);
        await using var b = new SiloFactory(settings);

        // The import lock is held here until both silos wait for it, so both reach the import while the database is
        // empty, however far apart they would otherwise get there.
        var held = await HoldAsync(database, RegionStore.ImportLock);
        var starting = Task.CompletedTask;
        try
        {
            starting = Together.StartAsync(a, b);
            await Eventually.Until(
                () => WaitingAsync(database, RegionStore.ImportLock), waiting => waiting == 2, TimeSpan.FromMinutes(3), "both silos to wait for the import lock");
        }
        finally
        {
            await held.DisposeAsync();
            await starting;
        }

        foreach (var host in new[] { a, b })
        {
            using var client = host.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        }

        var events = Events(a).Concat(Events(b)).ToList();

        // One silo imported while the other waited, then found the county there.
        var imports = events.Where(e => Template(e).StartsWith("Imported the demo county", StringComparison.Ordinal)).ToList();
        var imported = Assert.Single(imports).GetProperty("Properties");
        Assert.Equal(1L, await CountAsync(database, "SELECT COUNT(*) FROM audit_log WHERE action = 'import-regions'"));
        Assert.Equal(imported.GetProperty("Regions").GetInt64() + imported.GetProperty("Grids").GetInt64(), await CountAsync(database, "SELECT COUNT(*) FROM regions"));
        Assert.Equal(imported.GetProperty("Grids").GetInt64(), await CountAsync(database, "SELECT COUNT(*) FROM regions WHERE length(code) = 15"));
        Assert.Equal(imported.GetProperty("Workers").GetInt64(), await CountAsync(database, "SELECT COUNT(*) FROM workers"));

        // Both seeded the same accounts; each account was created by one of them, and their logs say so between them.
        var seeded = events.Where(e => Template(e).StartsWith("Demo accounts (", StringComparison.Ordinal)).Select(e => e.GetProperty("Properties")).ToList();
        Assert.Equal(2, seeded.Count);
        var accounts = (await File.ReadAllLinesAsync(Path.Combine(a.DataDirectory, "demo-users.txt"))).Length;
        Assert.Equal(accounts, (await File.ReadAllLinesAsync(Path.Combine(b.DataDirectory, "demo-users.txt"))).Length);
        Assert.All(seeded, s => Assert.Equal(accounts, s.GetProperty("Count").GetInt32()));
        Assert.Equal(accounts, seeded.Sum(s => s.GetProperty("Created").GetInt32()));
        Assert.Equal(accounts, await CountAsync(database, "SELECT COUNT(*) FROM orleans_grain_state WHERE state_name = 'user' AND payload IS NOT NULL"));

        // Either silo signs a demo user in and shows the county.
        var token = await SignIns.TokenAsync(a, "duty", "demo");
        Assert.Equal("duty", await SignIns.WhoAsync(b, token: token));

        // One silo makes the demo county live; the other waits to take over, so the county is not simulated twice.
        await Eventually.Until(
            () => Task.FromResult(Events(a).Concat(Events(b)).Count(e => Template(e).StartsWith("Demo activity in ", StringComparison.Ordinal))), n => n >= 1,
            TimeSpan.FromMinutes(1), "the demo activity to start");
        await Eventually.Until(() => WaitingAsync(database, Command.Silo.Demo.DemoActivity.SimulationLock), n => n == 1, what: "the other silo to wait for the simulation");
        Assert.Equal(1, Events(a).Concat(Events(b)).Count(e => Template(e).StartsWith("Demo activity in ", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Takes a silo lock on a connection of the test's own, outside any pool: disposing it ends the session and so
    /// releases the lock (a pooled connection would keep its session, and the lock, until it is reused or pruned).
    /// </summary>
    private static async Task<NpgsqlConnection> HoldAsync(TestDatabase database, string name)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = PostgresDatabase.LockKey(name) } } };
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>How many sessions of this database wait for the lock (PostgreSQL shows a bigint advisory key as its high and low halves).</summary>
    private static async Task<long> WaitingAsync(TestDatabase database, string name)
    {
        var key = PostgresDatabase.LockKey(name);
        return Convert.ToInt64(
            await database.ScalarAsync(
                """
                SELECT COUNT(*) FROM pg_locks
                WHERE locktype = 'advisory' AND NOT granted AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """,
                (key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF),
            CultureInfo.InvariantCulture);
    }

    /// <summary>What the silo logged so far, from its JSON log file in its data directory.</summary>
    private static IEnumerable<JsonElement> Events(SiloFactory host)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(host.DataDirectory, "logs"), "command-*.json"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                yield return JsonDocument.Parse(line).RootElement.Clone();
            }
        }
    }

    private static string Template(JsonElement e) => e.GetProperty("MessageTemplate").GetString() ?? "";

    private static async Task<long> CountAsync(TestDatabase database, string sql) =>
        Convert.ToInt64(await database.ScalarAsync(sql), CultureInfo.InvariantCulture);
}
