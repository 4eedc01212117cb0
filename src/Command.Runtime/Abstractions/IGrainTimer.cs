namespace Command.Runtime;

/// <summary>A timer scoped to one activation. Its callback runs as a turn of the grain and never overlaps itself.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes when the timer next fires and its period (<see cref="Timeout.InfiniteTimeSpan"/> for once).</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}

/// <summary>Options of a grain timer, as in Orleans.</summary>
public readonly record struct GrainTimerCreationOptions(TimeSpan DueTime, TimeSpan Period)
{
    /// <summary>Let the callback interleave with other requests (it still runs on the grain's single thread).</summary>
    public bool Interleave { get; init; }

    /// <summary>Count ticks as activity, so the timer keeps an otherwise idle grain from being collected.</summary>
    public bool KeepAlive { get; init; }
}
