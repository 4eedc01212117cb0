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
    : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private FileStream? sqliteLock;

    /// <summary>Just before the runtime initialises: membership and the providers find their tables.</summary>
    public const int Stage = ServiceLifecycleStage.RuntimeInitialize - 1;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DatabaseLifecycle), Stage, StartAsync, StopAsync);

    public void Dispose() => Unlock();

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (database is SqliteDatabase sqlite)
        {
            // SQLite runs one silo: a second process on the same file would be a second cluster with its own copy of
            // every grain and reminder.
            try
            {
                sqliteLock = new FileStream(sqlite.FilePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e)
            {
                throw new StorageException($"Another silo is running on {sqlite.FilePath}; SQLite serves one silo. Stop it, or use PostgreSQL for several.", e);
            }
        }

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
            Unlock();
            return;
        }

        // Flushing waits for the database; a stop that runs out of time abandons what has not committed.
        using (cancellationToken.Register(database.Abort))
        {
            await database.FlushAndStopAsync().ConfigureAwait(false);
        }

        Unlock();
        log.DatabaseStopped();
    }

    private void Unlock()
    {
        sqliteLock?.Dispose();
        sqliteLock = null;
    }
}
