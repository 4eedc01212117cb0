using Microsoft.Extensions.Logging;

namespace Command.Runtime.Diagnostics;

internal static partial class RuntimeLog
{
    [LoggerMessage(1, LogLevel.Error, "Activation of {GrainId} failed")]
    public static partial void ActivationFailed(this ILogger log, Exception exception, GrainId grainId);

    [LoggerMessage(2, LogLevel.Warning, "OnDeactivateAsync of {GrainId} failed")]
    public static partial void DeactivationFailed(this ILogger log, Exception exception, GrainId grainId);

    [LoggerMessage(3, LogLevel.Debug, "Deactivated {GrainId} ({Reason})")]
    public static partial void Deactivated(this ILogger log, GrainId grainId, DeactivationReason reason);

    [LoggerMessage(4, LogLevel.Error, "Unhandled exception in grain code of {GrainId}")]
    public static partial void UnhandledInGrain(this ILogger log, Exception exception, GrainId grainId);

    [LoggerMessage(5, LogLevel.Warning, "Timer callback of {GrainId} failed")]
    public static partial void TimerFailed(this ILogger log, Exception exception, GrainId grainId);

    [LoggerMessage(6, LogLevel.Warning, "Shutdown did not deactivate every grain in time; {Remaining} activations dropped")]
    public static partial void ShutdownIncomplete(this ILogger log, int remaining);

    [LoggerMessage(7, LogLevel.Warning, "A write batch of {Units} units failed; retrying each unit alone")]
    public static partial void BatchFailed(this ILogger log, Exception exception, int units);

    [LoggerMessage(8, LogLevel.Information, "Applied migration {Component} {Version} ({Name})")]
    public static partial void MigrationApplied(this ILogger log, string component, int version, string name);

    [LoggerMessage(9, LogLevel.Information, "Loaded {Count} reminders")]
    public static partial void RemindersLoaded(this ILogger log, int count);

    [LoggerMessage(10, LogLevel.Warning, "Reminder {ReminderName} of {GrainId} failed; it will be retried")]
    public static partial void ReminderFailed(this ILogger log, Exception exception, string reminderName, GrainId grainId);

    [LoggerMessage(11, LogLevel.Information, "Silo started on {Storage}")]
    public static partial void SiloStarted(this ILogger log, string storage);

    [LoggerMessage(12, LogLevel.Information, "Silo stopped gracefully")]
    public static partial void SiloStopped(this ILogger log);

    [LoggerMessage(13, LogLevel.Warning, "A one-way call to {GrainId} failed")]
    public static partial void OneWayFailed(this ILogger log, Exception exception, GrainId grainId);
}
