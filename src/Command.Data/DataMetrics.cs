using System.Diagnostics.Metrics;

namespace Command.Data;

/// <summary>The database's meter (<c>Command.Data</c>): storage operations and group-commit batches.</summary>
public sealed class DataMetrics : IDisposable
{
    public const string MeterName = "Command.Data";

    private readonly Meter meter = new(MeterName, "1.0");
    private readonly Histogram<double> storageDuration;
    private readonly Histogram<int> batchSize;

    public DataMetrics()
    {
        storageDuration = meter.CreateHistogram<double>("command.storage.duration", "ms", "Storage operations, including the wait for the group commit");
        batchSize = meter.CreateHistogram<int>("command.storage.batch_size", "{unit}", "Write units per committed transaction");
    }

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
