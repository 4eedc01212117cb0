using System.Data.Common;
using Command.Data;

namespace Command.Grains.Attachments;

/// <summary>
/// A write that takes draft attachments for their new owner together with other statements: each taking statement must
/// change exactly one row (the draft still there, still the taker's). One that changes none (another write took the draft
/// first, or it was swept) fails the whole write, which the database then rolls back, so nothing of it is kept.
/// </summary>
public sealed class AttachmentClaim(Database database, IReadOnlyList<SqlStatement> statements, IReadOnlyList<SqlStatement> takes) : BulkWrite
{
    public override async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var rows = 0;
        foreach (var take in takes)
        {
            var taken = await RunAsync(connection, transaction, take, cancellationToken).ConfigureAwait(false);
            if (taken != 1)
            {
                throw new AttachmentTakenException($"A draft attachment was not there to take ({taken} rows): {take.Parameters.ElementAtOrDefault(1)}");
            }

            rows += taken;
        }

        foreach (var statement in statements)
        {
            rows += await RunAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
        }

        return rows;
    }

    private async Task<int> RunAsync(DbConnection connection, DbTransaction transaction, SqlStatement statement, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(connection, statement);
        command.Transaction = transaction;
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A draft attachment named in a write was already taken by another (or is gone): the write was not kept.</summary>
public sealed class AttachmentTakenException : Exception
{
    public AttachmentTakenException()
    {
    }

    public AttachmentTakenException(string message)
        : base(message)
    {
    }

    public AttachmentTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
