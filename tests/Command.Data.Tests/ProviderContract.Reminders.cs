using Command.Testing;
using Orleans;
using Orleans.Runtime;

namespace Command.Data.Tests;

/// <summary>The reminder table, called as Orleans' reminder service calls it.</summary>
public abstract partial class ProviderContract
{
    /// <summary>Whole milliseconds, a day ahead: stored exactly by both databases, and never due while a test runs.</summary>
    private static readonly DateTime Tomorrow = DateTime.UnixEpoch.AddMilliseconds(DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds());

    [SkippableFact]
    public async Task A_reminder_is_upserted_read_and_removed_only_with_its_current_etag()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var table = silo.Reminders;
        var grain = Ledger("deadlines");

        var first = await table.UpsertRow(Entry(grain, "sign-for", Tomorrow, TimeSpan.FromHours(1)));
        var read = await table.ReadRow(grain, "sign-for");
        var second = await table.UpsertRow(Entry(grain, "sign-for", Tomorrow.AddDays(1), TimeSpan.FromHours(2)));

        Assert.NotNull(first);
        Assert.NotNull(read);
        Assert.Equal(first, read.ETag);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal("sign-for", read.ReminderName);
        Assert.Equal(Tomorrow, read.StartAt);
        Assert.Equal(TimeSpan.FromHours(1), read.Period);
        Assert.NotNull(second);
        Assert.NotEqual(first, second);

        Assert.False(await table.RemoveRow(grain, "sign-for", first));
        var kept = await table.ReadRow(grain, "sign-for");
        Assert.NotNull(kept);
        Assert.Equal(second, kept.ETag);
        Assert.Equal(Tomorrow.AddDays(1), kept.StartAt);
        Assert.Equal(TimeSpan.FromHours(2), kept.Period);

        Assert.True(await table.RemoveRow(grain, "sign-for", second));
        Assert.Null(await table.ReadRow(grain, "sign-for"));
        Assert.False(await table.RemoveRow(grain, "sign-for", second));
    }

    [SkippableFact]
    public async Task Reading_a_grains_reminders_returns_all_of_its_own_and_no_others()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var table = silo.Reminders;
        await table.UpsertRow(Entry(Ledger("mine"), "revisit", Tomorrow, TimeSpan.FromDays(30)));
        await table.UpsertRow(Entry(Ledger("mine"), "sign-for", Tomorrow, TimeSpan.FromHours(1)));
        await table.UpsertRow(Entry(Ledger("theirs"), "sign-for", Tomorrow, TimeSpan.FromHours(1)));

        var mine = await table.ReadRows(Ledger("mine"));

        Assert.Equal(["revisit", "sign-for"], mine.Reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(mine.Reminders, r => Assert.Equal(Ledger("mine"), r.GrainId));
        Assert.Empty((await table.ReadRows(Ledger("nobody"))).Reminders);
    }

    [SkippableFact]
    public async Task Range_reads_return_the_reminders_whose_grain_hash_is_in_the_ring_range()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var table = silo.Reminders;
        var grains = Enumerable.Range(0, 24).Select(i => Ledger($"ring-{i}")).OrderBy(g => g.GetUniformHashCode()).ToArray();
        Assert.Equal(grains.Length, grains.Select(g => g.GetUniformHashCode()).Distinct().Count());
        foreach (var grain in grains)
        {
            await table.UpsertRow(Entry(grain, "patrol", Tomorrow, TimeSpan.FromHours(1)));
        }

        var hash = grains.Select(g => g.GetUniformHashCode()).ToArray();

        // (begin, end]: the grain at begin is out, the one at end is in.
        Assert.Equal(Keys(grains[5..13]), Keys(await table.ReadRows(hash[4], hash[12])));

        // Past the top of the ring the range wraps round to the bottom.
        Assert.Equal(Keys([.. grains[21..], .. grains[..3]]), Keys(await table.ReadRows(hash[20], hash[2])));

        // begin = end is the whole ring.
        Assert.Equal(Keys(grains), Keys(await table.ReadRows(hash[7], hash[7])));
    }

    [SkippableFact]
    public async Task Reminders_survive_a_kill_with_their_schedule_and_etag()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        var etag = await silo.Reminders.UpsertRow(Entry(Ledger("durable"), "revisit", Tomorrow, TimeSpan.FromDays(30)));

        await silo.KillAndRestartAsync();
        var read = await silo.Reminders.ReadRow(Ledger("durable"), "revisit");

        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(Tomorrow, read.StartAt);
        Assert.Equal(TimeSpan.FromDays(30), read.Period);
        Assert.True(await silo.Reminders.RemoveRow(Ledger("durable"), "revisit", etag!));
    }

    [SkippableFact]
    public async Task Clearing_the_table_removes_every_reminder()
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await TestSilo.StartAsync(database, output);
        await silo.Reminders.UpsertRow(Entry(Ledger("a"), "patrol", Tomorrow, TimeSpan.FromHours(1)));
        await silo.Reminders.UpsertRow(Entry(Ledger("b"), "patrol", Tomorrow, TimeSpan.FromHours(1)));

        await silo.Reminders.TestOnlyClearTable();

        Assert.Empty((await silo.Reminders.ReadRows(0, 0)).Reminders);
    }

    private static ReminderEntry Entry(GrainId grain, string name, DateTime startAt, TimeSpan period) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = startAt,
        Period = period,
    };

    private static string[] Keys(IEnumerable<GrainId> grains) => [.. grains.Select(g => g.ToString()).Order(StringComparer.Ordinal)];

    private static string[] Keys(ReminderTableData rows) => Keys(rows.Reminders.Select(r => r.GrainId));
}
