using System.Data.Common;
using Command.Runtime.Core;
using Command.Runtime.Diagnostics;
using Command.Runtime.Reminders;
using Command.Runtime.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Command.Runtime.Hosting;

public enum SiloStatus
{
    Created,
    Running,
    Stopping,
    Stopped,
    Dead,
}

/// <summary>What health checks and operators can ask of the silo.</summary>
public interface ISiloHealth
{
    SiloStatus Status { get; }

    string StorageDescription { get; }

    Task PingStorageAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The silo's lifecycle: migrate the database, start the writers, the runtime and the reminders; on a graceful stop
/// let running turns finish, deactivate every grain (OnDeactivateAsync may write) and commit every queued write.
/// </summary>
internal sealed class Silo(
    Database database,
    GrainRuntime runtime,
    ReminderService reminders,
    IEnumerable<MigrationSource> migrations,
    ILogger<Silo> log) : IHostedService, ISiloHealth
{
    private int killed;

    public SiloStatus Status => runtime.Status;

    public string StorageDescription => database.Describe();

    public Task PingStorageAsync(CancellationToken cancellationToken) => database.PingAsync(cancellationToken);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Migrator.MigrateAsync(database, migrations, log, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new GrainStorageException(
                $"The silo cannot use its database ({database.Describe()}): {e.Message}. Check Storage:Provider and Storage:ConnectionString.", e);
        }

        database.StartWriters();
        runtime.Start();
        await reminders.StartAsync(cancellationToken).ConfigureAwait(false);
        log.SiloStarted(database.Describe());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref killed) == 1 || runtime.Status != SiloStatus.Running)
        {
            return;
        }

        reminders.Stop();
        await runtime.StopAsync(cancellationToken).ConfigureAwait(false);
        await database.FlushAndStopAsync().ConfigureAwait(false);
        log.SiloStopped();
    }

    /// <summary>Stops as a crash would: no grain code runs and queued, unacknowledged writes are dropped.</summary>
    public void Kill()
    {
        Volatile.Write(ref killed, 1);
        reminders.Stop();
        runtime.Kill();
        database.Abort();
    }

    /// <summary>Deactivates one grain now (as DeactivateOnIdle would) and waits until it is gone.</summary>
    public Task DeactivateAsync(GrainId grainId)
    {
        if (!runtime.Catalog.TryGet(grainId, out var activation))
        {
            return Task.CompletedTask;
        }

        activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "forced"));
        return activation.Deactivated;
    }

    public int ActivationCount => runtime.Catalog.Count;

    /// <summary>Runs the idle collector now (it also runs every collection quantum).</summary>
    public void CollectIdle() => runtime.CollectIdle();
}
