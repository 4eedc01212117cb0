namespace Command.Data;

/// <summary>The database could not do what was asked: a write that did not commit, or a database the silo cannot use.</summary>
public sealed class StorageException : Exception
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
