namespace Command.Testing;

/// <summary>Waits for something that happens on another thread (a reminder delivered, a grain deactivated).</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting{(what is null ? string.Empty : " for " + what)}; last value: {value}");
            }

            await Task.Delay(10);
        }
    }

    public static Task True(Func<bool> condition, TimeSpan? timeout = null, string? what = null) =>
        Until(() => Task.FromResult(condition()), v => v, timeout, what);
}
