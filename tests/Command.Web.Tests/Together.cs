using Command.Testing;
using Npgsql;

namespace Command.Web.Tests;

/// <summary>Silos started at the same moment, as nodes of a cluster started by one command.</summary>
internal static class Together
{
    /// <summary>Starts the hosts at once and waits for all; each host is still disposed by its caller, started or not.</summary>
    public static Task StartAsync(params SiloFactory[] hosts) =>
        Task.WhenAll(hosts.Select(host => Task.Run(() => host.CreateClient().Dispose())));

    /// <summary>
    /// The database's connection string with pools of 8: every silo opens three (ours, Orleans' storage and its
    /// reminders), and several silos in one test share the server with every other test running at the time.
    /// </summary>
    public static string SmallPools(TestDatabase database) =>
        new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 8 }.ConnectionString;
}
