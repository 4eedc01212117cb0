using System.Data.Common;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Command.Data.Hosting;

/// <summary>
/// Opens the database before anything in the silo uses it (membership, storage, reminders) and closes it after the
/// last grain has deactivated: migrations at start, the group-commit writers between, a final flush at stop.
/// </summary>
internal sealed class DatabaseLifecycle(Database database, IEnumerable<MigrationSource> migrations, ILogger<DatabaseLifecycle> log)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Just before the runtime initialises: membership and the providers find their tables.</summary>
    public const int Stage = ServiceLifecycleStage.RuntimeInitialize - 1;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DatabaseLifecycle), Stage, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Migrator.MigrateAsync(database, migrations, log, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new StorageException(
                $"The silo cannot use its database ({database.Describe()}): {e.Message}. Check Storage:Provider and Storage:ConnectionString.", e);
        }

        database.StartWriters();
        log.DatabaseReady(database.Describe());
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            // A forced stop: what has not committed is not acknowledged either.
            database.Abort();
            return;
        }

        await database.FlushAndStopAsync().ConfigureAwait(false);
        log.DatabaseStopped();
    }
}
