using Microsoft.Extensions.Options;

namespace Command.Data;

/// <summary>The <c>Storage</c> section: which database, where, and how writes are grouped.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public string? ConnectionString { get; set; }

    public string DataDirectory { get; set; } = "data";

    public int Writers { get; set; } = 4;

    public int MaxBatch { get; set; } = 512;

    public string SqliteConnectionString =>
        ConnectionString ?? $"Data Source={Path.Combine(DataDirectory, "command.db")}";
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"Storage:Provider must be Sqlite or Postgres (was {options.Provider}).");
        }

        if (options.Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("Storage:ConnectionString is required when Storage:Provider is Postgres.");
        }

        if (options.Provider == StorageProvider.Sqlite && options.ConnectionString is null && string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Storage:DataDirectory is required for SQLite when no connection string is given.");
        }

        if (options.Writers is < 1 or > 64)
        {
            failures.Add($"Storage:Writers must be between 1 and 64 (was {options.Writers}).");
        }

        if (options.MaxBatch is < 1 or > 10_000)
        {
            failures.Add($"Storage:MaxBatch must be between 1 and 10000 (was {options.MaxBatch}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
