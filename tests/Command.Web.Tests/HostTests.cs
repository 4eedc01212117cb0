using System.Net;
using Command.Runtime;
using Command.Runtime.Storage;
using Command.TestingHost;
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
    public async Task The_start_page_speaks_Chinese_and_shows_the_silo_running()
    {
        await using var factory = new SiloFactory();
        using var client = factory.CreateClient();

        var html = await client.GetStringAsync("/");

        Assert.Contains("<title>综治中心指挥调度平台</title>", html, StringComparison.Ordinal);
        Assert.Contains("运行中", html, StringComparison.Ordinal);
        Assert.Contains("SQLite（内嵌）", html, StringComparison.Ordinal);
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
    public async Task An_unreachable_database_stops_the_start_with_a_message_naming_the_settings()
    {
        await using var factory = new SiloFactory(new()
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=command;Timeout=2",
        });

        var error = Assert.Throws<GrainStorageException>(() => factory.CreateClient());

        Assert.Contains("PostgreSQL 127.0.0.1:1/command", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage:ConnectionString", error.Message, StringComparison.Ordinal);
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
        });
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1L, Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM schema_migrations WHERE component = 'runtime'")));
        Assert.Contains("PostgreSQL", await client.GetStringAsync("/"), StringComparison.Ordinal);
    }
}
