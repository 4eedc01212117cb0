using Command.Data.Tests.Grains;
using Command.Testing;
using Orleans;
using Xunit.Abstractions;

namespace Command.Data.Tests;

/// <summary>The contract on PostgreSQL: Orleans' ADO.NET grain storage and reminder table over our schema.</summary>
public sealed class PostgresProviderContract(ITestOutputHelper output) : ProviderContract(StorageProvider.Postgres, output)
{
    [SkippableFact]
    public async Task A_database_from_before_Orleans_keeps_its_grain_state_and_reminders()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        await using var silo = await TestSilo.StartAsync(database, Output);
        await silo.StopAsync();

        // As the runtime before Orleans left it: its own tables, a counter's state and a pending reminder.
        var dueAt = DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeMilliseconds();
        await database.ExecuteAsync("ALTER TABLE grain_state_before_orleans RENAME TO grain_state");
        await database.ExecuteAsync("ALTER TABLE reminders_before_orleans RENAME TO reminders");
        await database.ExecuteAsync(
            "INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, modified_at) VALUES ('counter', 'duty', 'counter', $1::jsonb, 1, 4, 0)",
            """{"value":41}""");
        await database.ExecuteAsync(
            "INSERT INTO reminders (grain_type, grain_key, reminder_name, first_due_at, period_ms, next_due_at, version) VALUES ('counter', 'duty', 'shift-end', $1, 3600000, $1, 7)",
            dueAt);

        await silo.StartAsync();
        var grain = silo.Grains.GetGrain<ICounterGrain>("duty");

        Assert.Equal(41, await grain.GetAsync());
        Assert.Equal(42, await grain.IncrementAsync());
        var reminder = await silo.Reminders.ReadRow(GrainId.Create("counter", "duty"), "shift-end");
        Assert.NotNull(reminder);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(dueAt).UtcDateTime, reminder.StartAt);
        Assert.Equal(TimeSpan.FromHours(1), reminder.Period);
        Assert.Equal(1L, await database.ScalarAsync("SELECT COUNT(*) FROM grain_state_before_orleans"));

        // Once carried, a restart leaves Orleans' state alone.
        await silo.RestartAsync();
        Assert.Equal(42, await silo.Grains.GetGrain<ICounterGrain>("duty").GetAsync());
    }
}
