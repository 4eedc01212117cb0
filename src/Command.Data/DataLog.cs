using Microsoft.Extensions.Logging;

namespace Command.Data;

internal static partial class DataLog
{
    [LoggerMessage(7, LogLevel.Warning, "A write batch of {Units} units failed; retrying each unit alone")]
    public static partial void BatchFailed(this ILogger log, Exception exception, int units);

    [LoggerMessage(8, LogLevel.Information, "Applied migration {Component} {Version} ({Name})")]
    public static partial void MigrationApplied(this ILogger log, string component, int version, string name);

    [LoggerMessage(10, LogLevel.Information, "Database migrated and open for writes: {Storage}")]
    public static partial void DatabaseReady(this ILogger log, string storage);

    [LoggerMessage(11, LogLevel.Information, "Silo started on {Storage}")]
    public static partial void SiloStarted(this ILogger log, string storage);

    [LoggerMessage(12, LogLevel.Information, "Silo stopped gracefully: every queued database write committed")]
    public static partial void DatabaseStopped(this ILogger log);
}
