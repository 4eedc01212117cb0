using System.Diagnostics;
using System.Diagnostics.Metrics;
using Command.Runtime.Core;

namespace Command.Runtime.Diagnostics;

/// <summary>The runtime's instruments, on the meter "Command.Runtime": activations, calls, queue length, call and storage latency.</summary>
internal sealed class RuntimeMetrics : IDisposable
{
    public const string MeterName = "Command.Runtime";

    private readonly Meter meter = new(MeterName, "1.0");
    private readonly Counter<long> calls;
    private readonly Counter<long> timeouts;
    private readonly Histogram<double> callDuration;
    private readonly Histogram<double> storageDuration;
    private readonly Histogram<int> batchSize;
    private readonly Counter<long> activationsCreated;
    private long activeCount;

    public RuntimeMetrics()
    {
        calls = meter.CreateCounter<long>("command.runtime.calls", "{call}", "Grain calls sent");
        timeouts = meter.CreateCounter<long>("command.runtime.calls.timed_out", "{call}", "Grain calls that got no response in time");
        callDuration = meter.CreateHistogram<double>("command.runtime.call.duration", "ms", "From send to the end of the grain's turn");
        storageDuration = meter.CreateHistogram<double>("command.runtime.storage.duration", "ms", "Grain storage operations, including the wait for the group commit");
        batchSize = meter.CreateHistogram<int>("command.runtime.storage.batch_size", "{unit}", "Write units per committed transaction");
        activationsCreated = meter.CreateCounter<long>("command.runtime.activations.created", "{activation}", "Activations created");
        meter.CreateObservableUpDownCounter("command.runtime.activations", () => Interlocked.Read(ref activeCount), "{activation}", "Live activations");
    }

    public void Observe(GrainRuntime runtime) =>
        meter.CreateObservableGauge(
            "command.runtime.queue.length",
            () => runtime.Catalog.Activations.Sum(a => (long)a.QueueLength),
            "{message}",
            "Messages and continuations waiting in activations");

    public void CallSent() => calls.Add(1);

    public void CallTimedOut(GrainId grain) => timeouts.Add(1, new KeyValuePair<string, object?>("grain_type", grain.Type));

    public void CallCompleted(Message message)
    {
        if (message.HasCaller && callDuration.Enabled)
        {
            callDuration.Record(Stopwatch.GetElapsedTime(message.SentTimestamp).TotalMilliseconds);
        }
    }

    public void Activated()
    {
        Interlocked.Increment(ref activeCount);
        activationsCreated.Add(1);
    }

    public void Deactivated() => Interlocked.Decrement(ref activeCount);

    public void StorageOperation(string operation, TimeSpan elapsed)
    {
        if (storageDuration.Enabled)
        {
            storageDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    public void BatchCommitted(int units, TimeSpan elapsed)
    {
        batchSize.Record(units);
        if (storageDuration.Enabled)
        {
            storageDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("operation", "commit"));
        }
    }

    public void Dispose() => meter.Dispose();
}
