namespace Command.Grains.Regions.Import;

/// <summary>Reference data (division list, boundaries) that cannot be imported; the message says where and why.</summary>
public sealed class RegionImportException : Exception
{
    /// <summary>Creates the exception with no message.</summary>
    public RegionImportException()
    {
    }

    /// <summary>Creates the exception with a message naming the offending input.</summary>
    public RegionImportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public RegionImportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
