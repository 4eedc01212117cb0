using System.Data.Common;

namespace Command.Data;

/// <summary>
/// A write that needs the connection itself (a prepared statement run many times, array parameters, COPY), run in a
/// group commit like any other unit: it shares the writer's transaction and is acknowledged only after the commit.
/// It must not commit or roll back the transaction, and may run again if its batch failed and is retried alone.
/// </summary>
public abstract class BulkWrite
{
    /// <summary>Executes the write; returns the rows it affected.</summary>
    public abstract Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);
}
