using Command.Runtime.Storage;
using Microsoft.Extensions.Options;

namespace Command.Runtime.Hosting;

/// <summary>Runtime behaviour, bound from the "Silo" section.</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Silo";

    /// <summary>How long an activation may stay idle before it is collected (Orleans' default, 15 minutes).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the collector looks for idle activations.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a caller waits for a response, after which it gets a <see cref="TimeoutException"/>.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The shortest reminder period accepted (Orleans: one minute). Tests and demos may go lower.</summary>
    public TimeSpan ReminderMinimumPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How soon a reminder whose delivery failed is tried again (never later than its period).</summary>
    public TimeSpan ReminderRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Where state lives, bound from the "Storage" section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Required for PostgreSQL. For SQLite, optional: by default the file is <c>{DataDirectory}/command.db</c>.</summary>
    public string? ConnectionString { get; set; }

    public string DataDirectory { get; set; } = "data";

    /// <summary>Concurrent group-commit writers for PostgreSQL (SQLite always has one).</summary>
    public int Writers { get; set; } = 4;

    /// <summary>The most write units committed in one transaction.</summary>
    public int MaxBatch { get; set; } = 512;

    public string SqliteConnectionString =>
        ConnectionString ?? $"Data Source={Path.Combine(DataDirectory, "command.db")}";
}

internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var failures = new List<string>();
        Positive(options.CollectionAge, nameof(options.CollectionAge));
        Positive(options.CollectionQuantum, nameof(options.CollectionQuantum));
        Positive(options.ResponseTimeout, nameof(options.ResponseTimeout));
        Positive(options.ActivationTimeout, nameof(options.ActivationTimeout));
        Positive(options.DeactivationTimeout, nameof(options.DeactivationTimeout));
        Positive(options.ReminderMinimumPeriod, nameof(options.ReminderMinimumPeriod));
        Positive(options.ReminderRetryDelay, nameof(options.ReminderRetryDelay));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(TimeSpan value, string property)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Silo:{property} must be a positive time span (was {value}).");
            }
        }
    }
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
