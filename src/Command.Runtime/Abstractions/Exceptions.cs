namespace Command.Runtime;

/// <summary>A state write found that the stored ETag was not the one this activation read: someone else wrote first.
/// The runtime deactivates the activation after the failing turn, so the next call reads fresh state.</summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    public InconsistentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InconsistentStateException()
    {
    }

    public InconsistentStateException(string message)
        : base(message)
    {
    }

    /// <summary>The ETag in storage when known, otherwise null.</summary>
    public string? StoredEtag { get; }

    /// <summary>The ETag the activation held.</summary>
    public string? CurrentEtag { get; }
}

/// <summary>The silo is not running (not started yet, stopping, or killed): the call was not delivered.</summary>
public sealed class SiloUnavailableException : Exception
{
    public SiloUnavailableException()
        : base("The silo is not running.")
    {
    }

    public SiloUnavailableException(string message)
        : base(message)
    {
    }

    public SiloUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Storage failed for a reason other than an ETag conflict (the database is unreachable, a statement failed).</summary>
public sealed class GrainStorageException : Exception
{
    public GrainStorageException()
    {
    }

    public GrainStorageException(string message)
        : base(message)
    {
    }

    public GrainStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
