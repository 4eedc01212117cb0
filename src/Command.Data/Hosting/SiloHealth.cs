using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Command.Data.Hosting;

/// <summary>What /healthz and the pages ask of the silo: is it serving, and does its database answer.</summary>
public interface ISiloHealth
{
    /// <summary>True from the moment the silo is active in its cluster until it starts to stop.</summary>
    bool Running { get; }

    string StorageDescription { get; }

    Task PingStorageAsync(CancellationToken cancellationToken);
}

/// <summary>Running from the moment the silo is active (it has joined its cluster) until it starts to stop.</summary>
internal sealed class SiloHealth(Database database, ILogger<SiloHealth> log) : ISiloHealth, ILifecycleParticipant<ISiloLifecycle>
{
    private volatile bool running;

    public bool Running => running;

    public string StorageDescription => database.Describe();

    public Task PingStorageAsync(CancellationToken cancellationToken) => database.PingAsync(cancellationToken);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(SiloHealth),
            ServiceLifecycleStage.Active,
            _ =>
            {
                running = true;
                log.SiloStarted(database.Describe());
                return Task.CompletedTask;
            },
            _ =>
            {
                running = false;
                return Task.CompletedTask;
            });
}
