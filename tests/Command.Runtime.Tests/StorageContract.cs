using System.Data.Common;
using Command.Runtime.Storage;
using Command.Runtime.Tests.Grains;
using Command.TestingHost;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Runtime.Tests;

/// <summary>What every storage provider must do. Runs once per provider (see the classes at the end).</summary>
public abstract class StorageContract(StorageProvider provider)
{
    private string Json => provider == StorageProvider.Postgres ? "$1::jsonb" : "$1";

    [SkippableFact]
    public async Task State_written_before_a_kill_is_there_after_restart()
    {
        await using var cluster = await StartAsync(new Probe());
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("survivor");
        for (var i = 0; i < 3; i++)
        {
            await grain.IncrementAsync();
        }

        await cluster.KillAsync();
        await cluster.RestartAsync();

        Assert.Equal(3, await cluster.GrainFactory.GetGrain<ICounterGrain>("survivor").GetAsync());
    }

    [SkippableFact]
    public async Task Every_acknowledged_write_from_many_concurrent_grains_survives_a_kill()
    {
        await using var cluster = await StartAsync(new Probe());
        var grains = Enumerable.Range(0, 200).Select(i => cluster.GrainFactory.GetGrain<ICounterGrain>($"many-{i}")).ToArray();

        await Task.WhenAll(grains.Select(async g =>
        {
            for (var i = 0; i < 5; i++)
            {
                await g.IncrementAsync();
            }
        }));
        await cluster.KillAsync();
        await cluster.RestartAsync();

        var values = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => cluster.GrainFactory.GetGrain<ICounterGrain>($"many-{i}").GetAsync()));
        Assert.All(values, v => Assert.Equal(5, v));
    }

    [SkippableFact]
    public async Task An_etag_conflict_throws_InconsistentStateException_and_the_next_call_reads_fresh_state()
    {
        await using var cluster = await StartAsync(new Probe());
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("contested");
        Assert.Equal(1, await grain.IncrementAsync());

        // Another writer changes the record behind this activation's back.
        var changed = await cluster.Database.ExecuteAsync(
            $"UPDATE grain_state SET payload = {Json}, version = version + 1 WHERE grain_key = $2",
            """{"value":41,"history":[]}""",
            "contested");
        Assert.Equal(1, changed);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.IncrementAsync());
        Assert.Equal("1", conflict.CurrentEtag);
        Assert.Equal(41, await Eventually.Until(() => grain.GetAsync(), v => v == 41, what: "a fresh read"));
        Assert.Equal(42, await grain.IncrementAsync());
        Assert.Equal("3", (await grain.StorageAsync()).Etag);
    }

    [SkippableFact]
    public async Task A_record_another_writer_created_first_makes_the_first_write_conflict()
    {
        await using var cluster = await StartAsync(new Probe());
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("latecomer");
        Assert.Equal((false, (string?)null), await grain.StorageAsync());

        await cluster.Database.ExecuteAsync(
            $"INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, modified_at) VALUES ('counter', $2, 'counter', {Json}, 1, 1, 0)",
            """{"value":7,"history":[]}""",
            "latecomer");

        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.IncrementAsync());
        Assert.Equal(8, await Eventually.Until(() => grain.IncrementAsync(), _ => true));
    }

    [SkippableFact]
    public async Task The_storage_keeps_one_row_per_grain_identity()
    {
        await using var cluster = await StartAsync(new Probe());
        await cluster.GrainFactory.GetGrain<ICounterGrain>("unique").IncrementAsync();
        var insert = $"INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, modified_at) VALUES ('counter', 'unique', 'counter', {Json}, 1, 9, 0)";

        await Assert.ThrowsAnyAsync<DbException>(() => cluster.Database.ExecuteAsync(insert, """{"value":99}"""));
        Assert.Equal(1L, Convert.ToInt64(await cluster.Database.ScalarAsync("SELECT COUNT(*) FROM grain_state WHERE grain_key = 'unique'")));
    }

    [SkippableFact]
    public async Task Clearing_state_forgets_it_and_the_version_keeps_counting()
    {
        await using var cluster = await StartAsync(new Probe());
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("cleared");
        await grain.IncrementAsync();
        await grain.IncrementAsync();

        await grain.ClearAsync();
        var afterClear = await grain.StorageAsync();
        await cluster.KillAsync();
        await cluster.RestartAsync();
        var restarted = cluster.GrainFactory.GetGrain<ICounterGrain>("cleared");

        Assert.Equal((false, "3"), afterClear);
        Assert.Equal(0, await restarted.GetAsync());
        Assert.Equal((false, "3"), await restarted.StorageAsync());
        Assert.Equal(1, await restarted.IncrementAsync());
        Assert.Equal((true, "4"), await restarted.StorageAsync());
    }

    [SkippableFact]
    public async Task Old_state_is_upgraded_on_read_and_state_from_a_newer_build_is_refused()
    {
        await using var cluster = await StartAsync(new Probe());
        var insert = $"INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, modified_at) VALUES ('profile', $2, 'profile', {Json}, $3, 1, 0)";
        await cluster.Database.ExecuteAsync(insert, """{"firstName":"王","lastName":"芳"}""", "old", 1);
        await cluster.Database.ExecuteAsync(insert, """{"fullName":"李雷","mood":"new"}""", "future", 3);

        var old = cluster.GrainFactory.GetGrain<IProfileGrain>("old");
        Assert.Equal("王 芳", await old.NameAsync());
        await old.RenameAsync("王芳");
        Assert.Equal(2L, Convert.ToInt64(await cluster.Database.ScalarAsync("SELECT schema_version FROM grain_state WHERE grain_key = 'old'")));

        var refused = await Assert.ThrowsAsync<GrainStorageException>(() => cluster.GrainFactory.GetGrain<IProfileGrain>("future").NameAsync());
        Assert.Contains("newer", refused.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_reminder_fires_on_the_fake_clock_and_keeps_firing_after_a_restart()
    {
        var probe = new Probe();
        await using var cluster = await StartAsync(probe);
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>("patrol");
        await grain.RegisterAsync("check", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.True(() => probe.Count("reminder patrol/check") == 1, what: "the first tick");
        await cluster.KillAsync();
        await cluster.RestartAsync();
        cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.True(() => probe.Count("reminder patrol/check") == 2, what: "a tick after restart");

        Assert.Equal(["check"], await cluster.GrainFactory.GetGrain<IReminderGrain>("patrol").NamesAsync());
    }

    [SkippableFact]
    public async Task A_reminder_that_fell_due_while_the_silo_was_down_fires_once_after_restart()
    {
        var probe = new Probe();
        await using var cluster = await StartAsync(probe);
        await cluster.GrainFactory.GetGrain<IReminderGrain>("downtime").RegisterAsync("deadline", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10));
        await cluster.KillAsync();

        // Due at 1, 11, 21 and 31 minutes: all pass while the silo is down.
        cluster.Clock.Advance(TimeSpan.FromMinutes(35));
        await cluster.RestartAsync();
        await Eventually.True(() => probe.Count("reminder downtime/deadline") >= 1, what: "the missed tick");
        await Task.Delay(300);
        var afterRestart = probe.Count("reminder downtime/deadline");
        cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(200);
        var beforeNextPeriod = probe.Count("reminder downtime/deadline");
        cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.True(() => probe.Count("reminder downtime/deadline") == 2, what: "the next regular tick at 41 minutes");

        Assert.Equal(1, afterRestart);
        Assert.Equal(1, beforeNextPeriod);
    }

    [SkippableFact]
    public async Task A_reminder_whose_delivery_fails_is_delivered_again()
    {
        var probe = new Probe();
        await using var cluster = await StartAsync(probe, s => s.ReminderRetryDelay = TimeSpan.FromSeconds(5));
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>("flaky");
        await grain.FailNextAsync(1);
        await grain.RegisterAsync("sign-for", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));

        cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => probe.Count("failed flaky/sign-for") == 1, what: "the failed delivery");
        var waited = TimeSpan.Zero;
        while (probe.Count("reminder flaky/sign-for") == 0 && waited < TimeSpan.FromMinutes(1))
        {
            cluster.Clock.Advance(TimeSpan.FromSeconds(1));
            waited += TimeSpan.FromSeconds(1);
            await Task.Delay(20);
        }

        // Retried after the retry delay, not after the hour-long period.
        Assert.Equal(1, probe.Count("reminder flaky/sign-for"));
        Assert.InRange(waited, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    [SkippableFact]
    public async Task A_reminder_unregistered_in_its_handler_fires_once_and_is_gone_after_restart()
    {
        var probe = new Probe();
        await using var cluster = await StartAsync(probe);
        await cluster.GrainFactory.GetGrain<IReminderGrain>("oneshot").RegisterAsync("once-limit", TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));

        cluster.Clock.Advance(TimeSpan.FromSeconds(30));
        await Eventually.True(() => probe.Count("reminder oneshot/once-limit") == 1);
        await Eventually.Until(() => cluster.GrainFactory.GetGrain<IReminderGrain>("oneshot").NamesAsync(), n => n.Length == 0);
        await cluster.KillAsync();
        await cluster.RestartAsync();
        cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(200);

        Assert.Equal(1, probe.Count("reminder oneshot/once-limit"));
        Assert.Equal(0L, Convert.ToInt64(await cluster.Database.ScalarAsync("SELECT COUNT(*) FROM reminders")));
    }

    [SkippableFact]
    public async Task A_deadline_sixty_days_out_registers_survives_a_restart_and_fires_on_the_day()
    {
        var probe = new Probe();
        await using var cluster = await StartAsync(probe);
        await cluster.GrainFactory.GetGrain<IReminderGrain>("mediation").RegisterAsync("revisit", TimeSpan.FromDays(60), TimeSpan.FromDays(30));
        await cluster.KillAsync();
        await cluster.RestartAsync();

        for (var day = 0; day < 59; day++)
        {
            cluster.Clock.Advance(TimeSpan.FromDays(1));
        }

        await Task.Delay(100);
        var before = probe.Count("reminder mediation/revisit");
        cluster.Clock.Advance(TimeSpan.FromDays(1));

        await Eventually.True(() => probe.Count("reminder mediation/revisit") == 1, what: "the 60-day deadline");
        Assert.Equal(0, before);
    }

    [SkippableFact]
    public async Task A_reminder_re_registered_in_its_own_handler_keeps_the_new_schedule()
    {
        var probe = new Probe();
        await using var cluster = await StartAsync(probe);
        await cluster.GrainFactory.GetGrain<IReminderGrain>("renewing").RegisterAsync("renew-limit", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        cluster.Clock.Advance(TimeSpan.FromSeconds(10));
        await Eventually.True(() => probe.Count("reminder renewing/renew-limit") == 1);
        var renewedAt = cluster.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await Task.Delay(500);

        // The durable schedule is the one the handler registered, not the old one advanced by the finished delivery.
        var row = (string?)await cluster.Database.ScalarAsync("SELECT CAST(next_due_at AS TEXT) || ' ' || CAST(period_ms AS TEXT) FROM reminders");
        Assert.Equal($"{renewedAt + 3_600_000} 3600000", row);
        await cluster.KillAsync();
        await cluster.RestartAsync();

        cluster.Clock.Advance(TimeSpan.FromMinutes(30));
        await Task.Delay(200);
        var afterHalfAnHour = probe.Count("reminder renewing/renew-limit");
        cluster.Clock.Advance(TimeSpan.FromMinutes(30));

        await Eventually.True(() => probe.Count("reminder renewing/renew-limit") == 2, what: "the renewed deadline an hour later");
        Assert.Equal(1, afterHalfAnHour);
    }

    [SkippableFact]
    public async Task A_period_below_the_minimum_is_refused_and_nothing_is_stored()
    {
        await using var cluster = await StartAsync(new Probe(), s => s.ReminderMinimumPeriod = TimeSpan.FromMinutes(1));
        var grain = cluster.GrainFactory.GetGrain<IReminderGrain>("eager");

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.RegisterAsync("too-fast", TimeSpan.Zero, TimeSpan.FromSeconds(10)));

        Assert.Contains("ReminderMinimumPeriod", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, Convert.ToInt64(await cluster.Database.ScalarAsync("SELECT COUNT(*) FROM reminders")));
    }

    [SkippableFact]
    public async Task The_schema_is_migrated_once_and_recorded()
    {
        await using var cluster = await StartAsync(new Probe());
        await cluster.RestartAsync();

        Assert.Equal(1L, Convert.ToInt64(await cluster.Database.ScalarAsync("SELECT COUNT(*) FROM schema_migrations WHERE component = 'runtime'")));
    }

    [SkippableFact]
    public async Task A_bulk_write_commits_with_the_group_and_a_failing_one_fails_alone()
    {
        await using var cluster = await StartAsync(new Probe());
        await cluster.Database.ExecuteAsync("CREATE TABLE bulk_rows (id INTEGER PRIMARY KEY)");
        var database = cluster.Services.GetRequiredService<Database>();

        var good = Enumerable.Range(0, 20).Select(i => database.WriteAsync(new InsertRows(Enumerable.Range(i * 50, 50).ToArray()))).ToList();
        var bad = database.WriteAsync(new InsertRows([3, 3])); // duplicate key: this unit must fail, the others commit
        var statement = database.WriteAsync(new SqlStatement("INSERT INTO bulk_rows (id) VALUES ($1)", 5000));

        Assert.All(await Task.WhenAll(good), rows => Assert.Equal(50, rows));
        await Assert.ThrowsAsync<GrainStorageException>(() => bad);
        Assert.Equal(new[] { 1 }, await statement);
        await cluster.KillAsync();
        await cluster.RestartAsync();

        Assert.Equal(1001L, Convert.ToInt64(await cluster.Database.ScalarAsync("SELECT count(*) FROM bulk_rows"), System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class InsertRows(int[] ids) : BulkWrite
    {
        public override async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO bulk_rows (id) VALUES (@id)";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "id";
            command.Parameters.Add(parameter);
            var rows = 0;
            for (var i = 0; i < ids.Length; i++)
            {
                parameter.Value = ids[i];
                rows += await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return rows;
        }
    }

    private Task<TestCluster> StartAsync(Probe probe, Action<Hosting.SiloOptions>? silo = null)
    {
        if (provider == StorageProvider.Postgres)
        {
            TestDatabase.RequirePostgres();
        }

        return Cluster.StartAsync(probe, provider, silo);
    }
}

public sealed class SqliteStorageContract() : StorageContract(StorageProvider.Sqlite);

public sealed class PostgresStorageContract() : StorageContract(StorageProvider.Postgres);
