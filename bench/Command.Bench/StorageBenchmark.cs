using System.Diagnostics;
using System.Globalization;
using Orleans;
using Orleans.Runtime;
using Command.Data;
using Npgsql;

namespace Command.Bench;

public interface IWriterGrain : IGrainWithIntegerKey
{
    Task WriteAsync(int value);
}

public sealed class WriterState
{
    public int Value { get; set; }

    public string Note { get; set; } = string.Empty;

    public List<int> Recent { get; set; } = [];
}

internal sealed class WriterGrain([PersistentState("writer")] IPersistentState<WriterState> state) : Grain, IWriterGrain
{
    public Task WriteAsync(int value)
    {
        state.State.Value = value;
        state.State.Note = "网格员巡查记录：第" + value.ToString(CultureInfo.InvariantCulture) + "次";
        state.State.Recent.Add(value);
        if (state.State.Recent.Count > 16)
        {
            state.State.Recent.RemoveAt(0);
        }

        return state.WriteStateAsync();
    }
}

/// <summary>Durable state writes/s with many grains writing at once, on SQLite and on PostgreSQL.</summary>
internal static class StorageBenchmark
{
    private const int Writers = 256;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        await using (var silo = await BenchSilo.StartSqliteAsync())
        {
            Console.WriteLine($"state-writes/s sqlite: {await MeasureAsync(silo, seconds):F0}");
        }

        var admin = PostgresSetup.AdminConnectionString(out var why);
        if (admin is null)
        {
            Console.WriteLine($"state-writes/s postgres: unavailable ({why})");
            return 1;
        }

        var database = $"command_bench_{Guid.NewGuid():N}";
        await PostgresSetup.ExecuteAsync(admin, $"CREATE DATABASE {database}");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ToString();
            await using var silo = await BenchSilo.StartAsync(StorageProvider.Postgres, connection);
            Console.WriteLine($"state-writes/s postgres: {await MeasureAsync(silo, seconds):F0}");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await PostgresSetup.ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }

        return 0;
    }

    private static async Task<double> MeasureAsync(BenchSilo silo, double seconds)
    {
        var grains = Enumerable.Range(0, Writers).Select(i => silo.Grains.GetGrain<IWriterGrain>(i)).ToArray();
        await Task.WhenAll(grains.Select(g => g.WriteAsync(0)));
        var duration = TimeSpan.FromSeconds(seconds);
        var watch = Stopwatch.StartNew();
        var counts = await Task.WhenAll(grains.Select(async g =>
        {
            long done = 0;
            while (watch.Elapsed < duration)
            {
                await g.WriteAsync((int)done);
                done++;
            }

            return done;
        }));
        return counts.Sum() / watch.Elapsed.TotalSeconds;
    }
}

/// <summary>Finds PostgreSQL: COMMAND_TEST_POSTGRES if set, else the project's own setup script.</summary>
internal static class PostgresSetup
{
    public static string? AdminConnectionString(out string why)
    {
        why = string.Empty;
        var configured = Environment.GetEnvironmentVariable("COMMAND_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Command.sln")))
        {
            root = root.Parent;
        }

        var script = root is null ? null : Path.Combine(root.FullName, "infra", "postgres", "ensure-postgres.sh");
        if (script is null || !File.Exists(script))
        {
            why = "set COMMAND_TEST_POSTGRES or run from the repository";
            return null;
        }

        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true })!;
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        if (process.ExitCode != 0 || lines.Length == 0)
        {
            why = $"{script} failed with exit code {process.ExitCode}";
            return null;
        }

        return lines[^1];
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
