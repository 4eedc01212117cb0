using System.Collections.Concurrent;

namespace Command.Runtime.Tests.Grains;

/// <summary>Shared by the test and its grains (registered as a singleton, kept across silo restarts): what happened.</summary>
public sealed class Probe
{
    public ConcurrentQueue<string> Events { get; } = new();

    public TaskCompletionSource Gate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Record(string what) => Events.Enqueue(what);

    public int Count(string prefix) => Events.Count(e => e.StartsWith(prefix, StringComparison.Ordinal));
}
