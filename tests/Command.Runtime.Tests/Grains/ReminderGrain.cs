namespace Command.Runtime.Tests.Grains;

public interface IReminderGrain : IGrainWithStringKey
{
    Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period);

    Task UnregisterAsync(string name);

    Task<string[]> NamesAsync();

    /// <summary>The next N deliveries of any reminder throw.</summary>
    Task FailNextAsync(int count);
}

internal sealed class ReminderGrain(Probe probe) : Grain, IReminderGrain, IRemindable
{
    private int failures;

    public Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task UnregisterAsync(string name)
    {
        var reminder = await this.GetReminder(name);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<string[]> NamesAsync() => [.. (await this.GetReminders()).Select(r => r.ReminderName).Order()];

    public Task FailNextAsync(int count)
    {
        failures = count;
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (failures > 0)
        {
            failures--;
            probe.Record($"failed {this.GetPrimaryKeyString()}/{reminderName}");
            throw new InvalidOperationException("reminder handler failed on purpose");
        }

        probe.Record($"reminder {this.GetPrimaryKeyString()}/{reminderName} due={status.CurrentTickTime:HH:mm:ss}");
        if (reminderName.StartsWith("once", StringComparison.Ordinal))
        {
            await UnregisterAsync(reminderName);
        }

        if (reminderName.StartsWith("renew", StringComparison.Ordinal))
        {
            // A deadline pushed out from its own handler: a new registration of the same name.
            await UnregisterAsync(reminderName);
            await this.RegisterOrUpdateReminder(reminderName, TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        }
    }
}
