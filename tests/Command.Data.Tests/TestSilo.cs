using System.Net;
using System.Net.Sockets;
using Command.Data.Hosting;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Providers;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Command.Data.Tests;

/// <summary>
/// One real Orleans silo over a test database, wired exactly as production wires it (<c>UseCommandData</c>). It can be
/// stopped, killed and started again over the same database and port, as a restarted process would be.
/// </summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private readonly TestDatabase database;
    private readonly ITestOutputHelper output;
    private readonly NodeOptions options;
    private readonly CapturedLogs logs = new();
    private IHost? host;

    private TestSilo(TestDatabase database, ITestOutputHelper output)
    {
        this.database = database;
        this.output = output;

        // A fixed port: a silo restarted on its predecessor's endpoint supersedes it in the membership table at once.
        options = new NodeOptions { SiloPort = FreePort() };
    }

    public IServiceProvider Services => (host ?? throw new InvalidOperationException("The silo is not running.")).Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public IGrainStorage Storage => Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

    public IReminderTable Reminders => Services.GetRequiredService<IReminderTable>();

    public static async Task<TestSilo> StartAsync(TestDatabase database, ITestOutputHelper output)
    {
        var silo = new TestSilo(database, output);
        await silo.StartAsync();
        return silo;
    }

    public async Task StartAsync()
    {
        if (host is not null)
        {
            throw new InvalidOperationException("The silo is already running.");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo.UseCommandData(
            new StorageOptions { Provider = database.Provider, ConnectionString = database.ConnectionString },
            options));

        var starting = builder.Build();
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            await starting.StartAsync(timeout.Token);
        }
        catch
        {
            // The start's own failure is what the test must show: a silo that never ran may refuse to stop as well.
            try
            {
                await EndAsync(starting, new CancellationToken(canceled: true));
            }
            catch (InvalidOperationException)
            {
            }

            throw;
        }

        host = starting;
    }

    /// <summary>A graceful stop: grains deactivate and every queued write commits.</summary>
    public Task StopAsync() => EndAsync(CancellationToken.None);

    /// <summary>Stops as a crash would: nothing is flushed and nothing unacknowledged is committed.</summary>
    public Task KillAsync() => EndAsync(new CancellationToken(canceled: true));

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async Task KillAndRestartAsync()
    {
        await KillAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        foreach (var line in logs.Lines)
        {
            output.WriteLine(line);
        }
    }

    private async Task EndAsync(CancellationToken cancellationToken)
    {
        var running = host;
        host = null;
        if (running is not null)
        {
            await EndAsync(running, cancellationToken);
        }
    }

    private static async Task EndAsync(IHost running, CancellationToken cancellationToken)
    {
        try
        {
            await running.StopAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A kill: the host gives up on whatever had not stopped yet, which is the point.
        }
        finally
        {
            // The database is only IAsyncDisposable, so the host must be disposed asynchronously.
            await ((IAsyncDisposable)running).DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
