namespace Command.Web.Tests;

/// <summary>Silos started at the same moment, as nodes of a cluster started by one command.</summary>
internal static class Together
{
    /// <summary>Starts the hosts at once and waits for all; each host is still disposed by its caller, started or not.</summary>
    public static Task StartAsync(params SiloFactory[] hosts) =>
        Task.WhenAll(hosts.Select(host => Task.Run(() => host.CreateClient().Dispose())));
}
