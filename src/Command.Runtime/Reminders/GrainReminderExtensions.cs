using Command.Runtime.Reminders;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Runtime;

/// <summary>Durable reminders for a grain, with Orleans' names. The grain must implement <see cref="IRemindable"/>.</summary>
public static class GrainReminderExtensions
{
    /// <summary>Registers (or replaces) a reminder; it is durable when the returned task completes.</summary>
    public static Task<IGrainReminder> RegisterOrUpdateReminder(this Grain grain, string reminderName, TimeSpan dueTime, TimeSpan period) =>
        Service(grain).RegisterOrUpdateAsync(grain.GrainId, reminderName, dueTime, period);

    /// <summary>
    /// Registers (or replaces) a reminder first due at an instant of the silo's clock (at once if it has passed). Not
    /// in Orleans, where the caller subtracts the time now; here the subtraction happens under the reminder service's
    /// own reading of the clock, so a deadline is not moved by the time that passes between two readings.
    /// </summary>
    public static Task<IGrainReminder> RegisterOrUpdateReminderAt(this Grain grain, string reminderName, DateTimeOffset dueAt, TimeSpan period) =>
        Service(grain).RegisterOrUpdateAtAsync(grain.GrainId, reminderName, dueAt, period);

    public static Task UnregisterReminder(this Grain grain, IGrainReminder reminder)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        return Service(grain).UnregisterAsync(grain.GrainId, reminder.ReminderName);
    }

    public static Task<IGrainReminder?> GetReminder(this Grain grain, string reminderName) =>
        Task.FromResult(Service(grain).Get(grain.GrainId, reminderName));

    public static Task<List<IGrainReminder>> GetReminders(this Grain grain) =>
        Task.FromResult(Service(grain).GetAll(grain.GrainId));

    private static ReminderService Service(Grain grain)
    {
        ArgumentNullException.ThrowIfNull(grain);
        if (grain is not IRemindable)
        {
            throw new InvalidOperationException($"Grain {grain.GrainId} must implement IRemindable to use reminders.");
        }

        return grain.Activation.Runtime.Services.GetRequiredService<ReminderService>();
    }
}
