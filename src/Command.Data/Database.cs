using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Command.Data;

/// <summary>
/// The silo's database. Reads open a pooled connection; writes go through a group-commit queue: writers take
/// whatever is queued (up to a batch), run it in one transaction, and acknowledge each unit only after the commit.
/// A batch that fails is rolled back and its units retried one by one, so one bad unit fails alone.
/// </summary>
public abstract class Database : IAsyncDisposable
{
    private readonly Channel<WriteUnit> queue;
    private readonly int maxBatch;
    private readonly int writerCount;
    private readonly DataMetrics metrics;
    private Task[] writers = [];
    private CancellationTokenSource? abort;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> localLocks = new(StringComparer.Ordinal);

    private protected Database(int writerCount, int maxBatch, DataMetrics metrics, ILogger log)
    {
        this.writerCount = writerCount;
        this.maxBatch = maxBatch;
        this.metrics = metrics;
        Log = log;
        queue = Channel.CreateBounded<WriteUnit>(new BoundedChannelOptions(64 * 1024)
        {
            SingleReader = writerCount == 1,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public abstract StorageProvider Provider { get; }

    /// <summary>Where the data is, for logs: the SQLite file or the PostgreSQL host and database.</summary>
    public abstract string Describe();

    protected ILogger Log { get; }

    /// <summary>Opens a pooled connection for reads (and for work that needs its own transaction).</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>A command on <paramref name="connection"/> with the statement's positional parameters bound.</summary>
    public abstract DbCommand CreateCommand(DbConnection connection, SqlStatement statement);

    /// <summary>Runs the statements atomically, in a group commit; completes once durable. Returns rows affected per statement.</summary>
    public async Task<int[]> WriteAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default)
    {
        return await EnqueueAsync(new WriteUnit(statements, null), cancellationToken).ConfigureAwait(false);
    }

    private async Task<int[]> EnqueueAsync(WriteUnit unit, CancellationToken cancellationToken)
    {
        if (!queue.Writer.TryWrite(unit))
        {
            try
            {
                await queue.Writer.WriteAsync(unit, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException e)
            {
                throw new StorageException("The database is closed for writes (the silo is stopping).", e);
            }
        }

        return await unit.Completion.Task.ConfigureAwait(false);
    }

    public Task<int[]> WriteAsync(params SqlStatement[] statements) => WriteAsync((IReadOnlyList<SqlStatement>)statements);

    /// <summary>Runs a bulk write in a group commit; completes once durable. Returns the rows it affected.</summary>
    public async Task<int> WriteAsync(BulkWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        return (await EnqueueAsync(new WriteUnit([], write), cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Runs a query on a pooled connection and hands each row to <paramref name="row"/>.</summary>
    public async Task QueryAsync(SqlStatement statement, Action<DbDataReader> row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = CreateCommand(connection, statement);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            row(reader);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> while holding the lock named <paramref name="name"/>, which one caller in the whole
    /// cluster holds at a time: on PostgreSQL a session advisory lock (a silo that dies releases it with its connection);
    /// SQLite serves one silo (a lock file keeps a second process away), so there a lock in this process is enough.
    /// Writes made through <see cref="WriteAsync(IReadOnlyList{SqlStatement}, CancellationToken)"/> are committed when
    /// they complete, so work that awaits its writes leaves them visible to the next holder.
    /// </summary>
    public Task<T> ExclusiveAsync<T>(string name, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(work);
        return LockedAsync(name, work, cancellationToken);
    }

    public Task ExclusiveAsync(string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return ExclusiveAsync(name, async token =>
        {
            await work(token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    private protected virtual async Task<T> LockedAsync<T>(string name, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var gate = localLocks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Checks that the database answers.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the provider's I/O blocks the calling thread (Microsoft.Data.Sqlite's "async" calls are
    /// synchronous, and each commit waits for fsync). Its writers then get threads of their own, so a commit never
    /// holds a thread-pool thread that grains and requests need.</summary>
    private protected virtual bool BlockingIo => false;

    internal void StartWriters()
    {
        abort = new CancellationTokenSource();
        var token = abort.Token;
        writers = Enumerable.Range(0, writerCount)
            .Select(i => BlockingIo ? RunOnOwnThread($"{Provider} writer {i}", token) : Task.Run(() => WriterLoop(WaitAsync, token)))
            .ToArray();
    }

    private ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => queue.Reader.WaitToReadAsync(cancellationToken);

    // Waiting blocks the writer's own thread; everything else the loop awaits completes synchronously for a
    // blocking provider, so the whole loop stays on this thread.
    private ValueTask<bool> WaitBlocking(CancellationToken cancellationToken) =>
        new(queue.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult());

    private Task RunOnOwnThread(string name, CancellationToken cancellationToken)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                WriterLoop(WaitBlocking, cancellationToken).GetAwaiter().GetResult();
                finished.TrySetResult();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                finished.TrySetResult();
            }
            catch (Exception e)
            {
                finished.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return finished.Task;
    }

    /// <summary>Stops taking writes and commits everything already queued.</summary>
    internal async Task FlushAndStopAsync()
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(writers).ConfigureAwait(false);
    }

    /// <summary>Stops at once, as a crash would: queued units fail, none of them is acknowledged.</summary>
    internal void Abort()
    {
        queue.Writer.TryComplete();
        abort?.Cancel();
        while (queue.Reader.TryRead(out var unit))
        {
            unit.Completion.TrySetException(new StorageException("The silo was killed before this write committed."));
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        Abort();
        try
        {
            await Task.WhenAll(writers).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        abort?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A writer's own connection, with whatever it caches (prepared commands).</summary>
    private protected abstract class Writer : IAsyncDisposable
    {
        /// <summary>Runs the units in one transaction and returns rows affected per statement of each.</summary>
        public abstract Task<int[][]> ExecuteAsync(IReadOnlyList<WriteUnit> units, CancellationToken cancellationToken);

        public abstract ValueTask DisposeAsync();
    }

    private protected abstract Task<Writer> OpenWriterAsync(CancellationToken cancellationToken);

    /// <summary>True when a write failed on a unique key (a row already there), not on the database itself.</summary>
    private protected abstract bool IsConflict(Exception e);

    private async Task WriterLoop(Func<CancellationToken, ValueTask<bool>> waitToRead, CancellationToken cancellationToken)
    {
        var batch = new List<WriteUnit>(maxBatch);
        var single = new List<WriteUnit>(1);
        Writer? writer = null;
        try
        {
            while (await waitToRead(cancellationToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < maxBatch && queue.Reader.TryRead(out var unit))
                {
                    batch.Add(unit);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                var started = Stopwatch.GetTimestamp();
                try
                {
                    writer ??= await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
                    var results = await writer.ExecuteAsync(batch, cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Completion.TrySetResult(results[i]);
                    }
                }
                catch (Exception batchError) when (batchError is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // One bad unit must not fail the others: retry each alone, on a fresh connection.
                    Log.BatchFailed(batchError, batch.Count);
                    await DisposeWriter(writer).ConfigureAwait(false);
                    writer = null;
                    foreach (var unit in batch)
                    {
                        single.Clear();
                        single.Add(unit);
                        try
                        {
                            writer ??= await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
                            unit.Completion.TrySetResult((await writer.ExecuteAsync(single, cancellationToken).ConfigureAwait(false))[0]);
                        }
                        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                        {
                            unit.Completion.TrySetException(IsConflict(e)
                                ? new StorageConflictException($"Write conflicts with a stored row: {e.Message}", e)
                                : new StorageException($"Write failed: {e.Message}", e));
                            await DisposeWriter(writer).ConfigureAwait(false);
                            writer = null;
                        }
                    }
                }

                metrics.BatchCommitted(batch.Count, Stopwatch.GetElapsedTime(started));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            foreach (var unit in batch)
            {
                unit.Completion.TrySetException(new StorageException("The silo was killed before this write committed."));
            }
        }
        finally
        {
            await DisposeWriter(writer).ConfigureAwait(false);
        }
    }

    private static async Task DisposeWriter(Writer? writer)
    {
        if (writer is not null)
        {
            try
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The connection is being dropped after a failure anyway; the next batch opens a new one.
            }
        }
    }

    /// <summary>Statements, or one bulk write (whose result is a single row count).</summary>
    private protected sealed class WriteUnit(IReadOnlyList<SqlStatement> statements, BulkWrite? bulk)
    {
        public IReadOnlyList<SqlStatement> Statements { get; } = statements;

        public BulkWrite? Bulk { get; } = bulk;

        public TaskCompletionSource<int[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
