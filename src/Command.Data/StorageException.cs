namespace Command.Data;

/// <summary>The database could not do what was asked: a write that did not commit, or a database the silo cannot use.</summary>
public class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A write refused because it collides with a row already there (a unique key): typically a stale copy of state writing a
/// version that another copy wrote first. Nothing of the write was kept; read the state again and decide afresh.
/// </summary>
public sealed class StorageConflictException : StorageException
{
    public StorageConflictException()
    {
    }

    public StorageConflictException(string message)
        : base(message)
    {
    }

    public StorageConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
