using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans;
using Command.Data;
using Command.Testing;
using Microsoft.Extensions.Options;

namespace Command.Web.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task Healthz_answers_200_and_the_sqlite_file_appears_in_the_data_directory()
    {
        await using var factory = new SiloFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "command.db")));
    }

    [Fact]
    public async Task The_start_page_sends_a_stranger_to_a_Chinese_sign_in_page()
    {
        await using var factory = new SiloFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("/login", response.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Contains("<title>综治中心指挥调度平台</title>", html, StringComparison.Ordinal);
        Assert.Contains("用户名", html, StringComparison.Ordinal);
        Assert.Contains("登录", html, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.DataDirectory, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_page_is_a_404_in_Chinese()
    {
        await using var factory = new SiloFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_refuses_to_start_and_says_what_is_missing()
    {
        await using var factory = new SiloFactory(new() { ["Storage:Provider"] = "Postgres" });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Storage:ConnectionString is required when Storage:Provider is Postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_reminder_period_below_the_silos_reminder_minimum_refuses_to_start_and_names_both_settings()
    {
        // Orleans would refuse the reminder of every call placed; better not to start than to fail each call.
        await using var factory = new SiloFactory(new() { ["Calls:ReminderPeriod"] = "00:00:10" });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Calls:ReminderPeriod must not be shorter than Silo:ReminderMinimumPeriod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_start_with_a_message_naming_the_settings()
    {
        await using var factory = new SiloFactory(new()
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=command;Timeout=2",
        });

        // Orleans reports a failed start-up stage in an exception of its own; ours is inside it.
        var error = Find<StorageException>(Assert.ThrowsAny<Exception>(() => factory.CreateClient()));

        Assert.Contains("PostgreSQL 127.0.0.1:1/command", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_silo_on_the_same_sqlite_file_refuses_to_start()
    {
        await using var first = new SiloFactory();
        using var client = first.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        await using var second = new SiloFactory(new() { ["Storage:DataDirectory"] = first.DataDirectory });

        var error = Find<StorageException>(Assert.ThrowsAny<Exception>(() => second.CreateClient()));

        Assert.Contains("Another silo is running on", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task A_non_positive_time_limit_refuses_to_start()
    {
        await using var factory = new SiloFactory(new() { ["Silo:ResponseTimeout"] = "00:00:00" });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Silo:ResponseTimeout must be a positive time span", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Healthz_answers_200_on_postgres()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        await using var factory = new SiloFactory(new()
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Demo:Enabled"] = "true",
        });
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2L, Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM schema_migrations WHERE component = 'runtime'")));

        // The demo county imports and answers on PostgreSQL as on SQLite.
        var token = await client.PostAsJsonAsync("/api/auth/token", new { userName = "duty", password = "demo" });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        var county = await client.GetFromJsonAsync<JsonElement>("/api/regions/150123");
        Assert.Equal(10, county.GetProperty("children").GetArrayLength());
        Assert.Equal(129, county.GetProperty("children").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "150123100").GetProperty("counts").GetProperty("grids").GetInt32());
        Assert.Equal(5L, Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM schema_migrations WHERE component = 'command'")));
    }

    [Fact]
    public async Task Production_seeds_only_an_admin_whose_password_is_set_at_first_start()
    {
        await using var factory = new SiloFactory(new() { ["Auth:AdminPassword"] = "correct-horse-battery" });
        using var client = factory.CreateClient();

        var admin = await client.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password = "correct-horse-battery" });
        var demo = await client.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password = "demo" });
        var duty = await client.PostAsJsonAsync("/api/auth/token", new { userName = "duty", password = "demo" });

        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, demo.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, duty.StatusCode);
    }

    private static T Find<T>(Exception error)
        where T : Exception =>
        TryFind<T>(error) ?? throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} in: {error}");

    private static T? TryFind<T>(Exception? error)
        where T : Exception => error switch
        {
            null => null,
            T found => found,
            AggregateException aggregate => aggregate.InnerExceptions.Select(TryFind<T>).FirstOrDefault(e => e is not null),
            _ => TryFind<T>(error.InnerException),
        };
}
