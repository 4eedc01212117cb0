using System.Globalization;
using Command.Data.Tests.Grains;
using Command.Testing;
using Orleans;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Command.Data.Tests;

/// <summary>
/// The contract on SQLite, where the providers are our own; and what only they promise: the rows the runtime before
/// Orleans left in the same file keep working.
/// </summary>
public sealed class SqliteProviderContract(ITestOutputHelper output) : ProviderContract(StorageProvider.Sqlite, output)
{
    private const string InsertState = """
        INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, modified_at)
        VALUES ($1, $2, $3, $4, 1, $5, 0)
        """;

    [Fact]
    public async Task State_written_before_Orleans_is_found_under_the_grain_type_Orleans_names()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var silo = await TestSilo.StartAsync(database, Output);

        // The runtime before Orleans named CounterGrain's type "counter", as Orleans does, and wrote key "duty" as is.
        await database.ExecuteAsync(InsertState, "counter", "duty", "counter", """{"value":41}""", 4);
        var grain = silo.Grains.GetGrain<ICounterGrain>("duty");

        Assert.Equal(41, await grain.GetAsync());
        Assert.Equal(42, await grain.IncrementAsync());
        Assert.Equal("""{"value":42} 5""", await database.ScalarAsync(
            "SELECT payload || ' ' || version FROM grain_state WHERE grain_type = 'counter' AND grain_key = 'duty' AND state_name = 'counter'"));
        Assert.Equal(1L, await database.ScalarAsync("SELECT COUNT(*) FROM grain_state"));
    }

    [Fact]
    public async Task State_is_stored_as_the_json_the_runtime_before_Orleans_wrote()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var silo = await TestSilo.StartAsync(database, Output);

        var state = new HeldState<LedgerState> { State = new LedgerState { Balance = 3, Entries = ["值班"], Shift = Shift.Night } };
        await silo.Storage.WriteStateAsync("ledger", GrainId.Create("ledger", "json"), state);

        // Web names, enums by name, and non-ASCII escaped: System.Text.Json's defaults, as before.
        Assert.Equal(
            """{"balance":3,"entries":["\u503C\u73ED"],"shift":"Night"} 1""",
            await database.ScalarAsync("SELECT payload || ' ' || schema_version FROM grain_state WHERE grain_key = 'json'"));
    }

    [Fact]
    public async Task Reading_a_cleared_record_reports_no_record_but_keeps_its_etag()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var silo = await TestSilo.StartAsync(database, Output);
        var state = new HeldState<LedgerState> { State = new LedgerState { Balance = 9 } };
        await silo.Storage.WriteStateAsync("ledger", GrainId.Create("ledger", "gone"), state);
        await silo.Storage.ClearStateAsync("ledger", GrainId.Create("ledger", "gone"), state);

        var read = new HeldState<LedgerState>();
        await silo.Storage.ReadStateAsync("ledger", GrainId.Create("ledger", "gone"), read);

        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(0, read.State.Balance);
    }

    [Fact]
    public async Task Reminders_written_before_Orleans_get_their_grain_hash_when_the_silo_starts()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var silo = await TestSilo.StartAsync(database, Output);
        var dueAt = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds();
        await database.ExecuteAsync(
            """
            INSERT INTO reminders (grain_type, grain_key, reminder_name, first_due_at, period_ms, next_due_at, version)
            VALUES ('counter', 'duty', 'shift-end', $1, 3600000, $1, 7)
            """,
            dueAt);

        await silo.RestartAsync();
        var grain = GrainId.Create("counter", "duty");
        var hash = grain.GetUniformHashCode();

        Assert.Equal((long)hash, await database.ScalarAsync("SELECT grain_hash FROM reminders"));
        var row = Assert.Single((await silo.Reminders.ReadRows(hash - 1, hash)).Reminders);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("7", row.ETag);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(dueAt).UtcDateTime, row.StartAt);
        Assert.Equal(TimeSpan.FromHours(1), row.Period);
        Assert.Equal(["shift-end"], await silo.Grains.GetGrain<ICounterGrain>("duty").RemindersAsync());
    }
}
