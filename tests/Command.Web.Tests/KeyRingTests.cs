using System.Globalization;
using Command.Data;
using Command.Silo.Hosting;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>
/// The data-protection key ring lives in the database: whatever one silo issued (a bearer token, a sign-in cookie) is
/// accepted by the next silo over the same database, whether it is the same node restarted or another node running
/// beside it.
/// </summary>
public sealed class KeyRingTests
{
    private const string AdminPassword = "correct-horse-battery";

    [Fact]
    public async Task A_token_and_a_sign_in_cookie_outlive_a_restart_because_the_key_is_in_the_database()
    {
        var directory = NewDataDirectory();
        try
        {
            string token, cookie;
            await using (var first = new SiloFactory(Settings(directory)))
            {
                token = await SignIns.TokenAsync(first, "admin", AdminPassword);
                cookie = await SignIns.CookieAsync(first, "admin", AdminPassword);
            }

            await using var second = new SiloFactory(Settings(directory));

            Assert.Equal("admin", await SignIns.WhoAsync(second, token: token));
            Assert.Equal("admin", await SignIns.WhoAsync(second, cookie: cookie));
            Assert.Single(await KeysAsync(second));
            Assert.False(Directory.Exists(Path.Combine(directory, "keys")));
        }
        finally
        {
            Delete(directory);
        }
    }

    [Fact]
    public async Task Keys_an_earlier_version_kept_in_the_data_directory_are_carried_into_the_database_once()
    {
        var directory = NewDataDirectory();
        try
        {
            string token;
            await using (var earlier = new SiloFactory(Settings(directory)))
            {
                // An install from before: its key ring is files in {data}/keys, named as ASP.NET names them, and none in the table.
                token = await SignIns.TokenAsync(earlier, "admin", AdminPassword);
                var keys = Directory.CreateDirectory(Path.Combine(directory, "keys"));
                foreach (var (name, xml) in await KeysAsync(earlier))
                {
                    await File.WriteAllTextAsync(Path.Combine(keys.FullName, name + ".xml"), xml);
                }

                await earlier.Services.GetRequiredService<Database>().WriteAsync(new SqlStatement("DELETE FROM data_protection_keys"));
            }

            await using var upgraded = new SiloFactory(Settings(directory));

            Assert.Equal("admin", await SignIns.WhoAsync(upgraded, token: token));
            var carried = await KeysAsync(upgraded);
            Assert.Single(carried);
            Assert.Equal(Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(Path.Combine(directory, "keys")))), carried[0].Name);
            Assert.Equal(0, await upgraded.Services.GetRequiredService<KeyRingStore>().CarryOverAsync(Path.Combine(directory, "keys"), CancellationToken.None));
            Assert.Single(await KeysAsync(upgraded));
        }
        finally
        {
            Delete(directory);
        }
    }

    [SkippableFact]
    public async Task Two_silos_started_together_on_postgres_make_one_key_and_accept_each_others_tokens_and_cookies()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        await using var a = new SiloFactory(Settings(database));
        await using var b = new SiloFactory(Settings(database));
        await Together.StartAsync(a, b);
        Assert.Equal(1L, Count(await database.ScalarAsync("SELECT COUNT(*) FROM data_protection_keys")));

        var fromA = await SignIns.TokenAsync(a, "admin", AdminPassword);
        var fromB = await SignIns.TokenAsync(b, "admin", AdminPassword);
        var cookieFromA = await SignIns.CookieAsync(a, "admin", AdminPassword);

        Assert.Equal("admin", await SignIns.WhoAsync(b, token: fromA));
        Assert.Equal("admin", await SignIns.WhoAsync(a, token: fromB));
        Assert.Equal("admin", await SignIns.WhoAsync(b, cookie: cookieFromA));
        Assert.Equal(1L, Count(await database.ScalarAsync("SELECT COUNT(*) FROM data_protection_keys")));
    }

    [SkippableFact]
    public async Task Two_silos_that_each_made_a_first_key_accept_each_others_tokens()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        await using var a = new SiloFactory(Settings(database));
        await using var b = new SiloFactory(Settings(database));

        // As if both had read an empty ring at the same moment: a makes its key, b starts while a's is not in the table
        // yet and makes its own, then a's lands. Each holds a ring with its own key only.
        a.CreateClient().Dispose();
        var keyOfA = Assert.Single(await KeysAsync(a));
        await database.ExecuteAsync("DELETE FROM data_protection_keys");
        b.CreateClient().Dispose();
        await database.ExecuteAsync("INSERT INTO data_protection_keys (friendly_name, xml, stored_at) VALUES ($1, $2, 0)", keyOfA.Name, keyOfA.Xml);
        Assert.Equal(2, (await KeysAsync(b)).Count);

        // Each meets a key it has not seen and reads the ring again.
        Assert.Equal("admin", await SignIns.WhoAsync(a, token: await SignIns.TokenAsync(b, "admin", AdminPassword)));
        Assert.Equal("admin", await SignIns.WhoAsync(b, token: await SignIns.TokenAsync(a, "admin", AdminPassword)));
    }

    private static Dictionary<string, string?> Settings(string dataDirectory) => new()
    {
        ["Storage:DataDirectory"] = dataDirectory,
        ["Auth:AdminPassword"] = AdminPassword,
    };

    private static Dictionary<string, string?> Settings(TestDatabase database) => new()
    {
        ["Storage:Provider"] = "Postgres",
        ["Storage:ConnectionString"] = Together.SmallPools(database),
        ["Auth:AdminPassword"] = AdminPassword,
    };

    private static async Task<List<(string Name, string Xml)>> KeysAsync(SiloFactory host)
    {
        var keys = new List<(string, string)>();
        await host.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement("SELECT friendly_name, xml FROM data_protection_keys ORDER BY id"),
            row => keys.Add((row.GetString(0), row.GetString(1))));
        return keys;
    }

    private static long Count(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "command-web-tests", Guid.NewGuid().ToString("N"));

    private static void Delete(string directory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
