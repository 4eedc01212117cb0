namespace Command.Runtime;

/// <summary>Well-known storage provider names.</summary>
public static class StorageNames
{
    /// <summary>The storage used when <see cref="PersistentStateAttribute.StorageName"/> is not given.</summary>
    public const string Default = "Default";
}
