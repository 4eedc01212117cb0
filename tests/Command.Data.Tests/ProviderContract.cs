using Command.Data.Tests.Grains;
using Command.Testing;
using Orleans;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Command.Data.Tests;

/// <summary>
/// What the silo's grain storage and reminder table must do, on either database: on SQLite our own providers, on
/// PostgreSQL Orleans' ADO.NET providers over our schema. Each test starts a real silo over a fresh database and ends
/// it before the test ends. The subclasses pick the database.
/// </summary>
public abstract partial class ProviderContract(StorageProvider provider, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task State_a_grain_wrote_before_a_kill_is_there_after_restart()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var grain = silo.Grains.GetGrain<ICounterGrain>("survivor");
        for (var i = 0; i < 3; i++)
        {
            await grain.IncrementAsync();
        }

        await silo.KillAndRestartAsync();

        Assert.Equal(3, await silo.Grains.GetGrain<ICounterGrain>("survivor").GetAsync());
    }

    [SkippableFact]
    public async Task Every_acknowledged_write_of_many_concurrent_grains_survives_a_kill()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var keys = Enumerable.Range(0, 100).Select(i => $"many-{i}").ToArray();

        await Task.WhenAll(keys.Select(async key =>
        {
            var grain = silo.Grains.GetGrain<ICounterGrain>(key);
            for (var i = 0; i < 5; i++)
            {
                await grain.IncrementAsync();
            }
        }));
        await silo.KillAndRestartAsync();

        var values = await Task.WhenAll(keys.Select(key => silo.Grains.GetGrain<ICounterGrain>(key).GetAsync()));
        Assert.All(values, value => Assert.Equal(5, value));
    }

    [SkippableFact]
    public async Task A_grain_that_clears_its_state_starts_from_nothing_after_restart()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var grain = silo.Grains.GetGrain<ICounterGrain>("cleared");
        await grain.IncrementAsync();
        await grain.IncrementAsync();

        await grain.ClearAsync();
        var afterClear = await grain.GetAsync();
        await silo.RestartAsync();
        var restarted = silo.Grains.GetGrain<ICounterGrain>("cleared");

        Assert.Equal(0, afterClear);
        Assert.Equal(0, await restarted.GetAsync());
        Assert.Equal(1, await restarted.IncrementAsync());
    }

    [SkippableFact]
    public async Task A_reminder_a_grain_registers_is_in_the_table_and_still_registered_after_restart()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var grain = silo.Grains.GetGrain<ICounterGrain>("reminded");

        // Due in a day: it must be kept, not delivered, while the test runs.
        await grain.RemindAsync("deadline", TimeSpan.FromDays(1), TimeSpan.FromHours(1));
        await silo.RestartAsync();

        Assert.Equal(["deadline"], await silo.Grains.GetGrain<ICounterGrain>("reminded").RemindersAsync());
        var row = Assert.Single((await silo.Reminders.ReadRows(grain.GetGrainId())).Reminders);
        Assert.Equal("deadline", row.ReminderName);
        Assert.Equal(TimeSpan.FromHours(1), row.Period);
    }

    protected ITestOutputHelper Output => output;

    /// <summary>A grain id of a type no grain class has: the providers store it all the same.</summary>
    private static GrainId Ledger(string key) => GrainId.Create("ledger", key);
}
