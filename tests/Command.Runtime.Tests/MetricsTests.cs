using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Command.Runtime.Tests.Grains;

namespace Command.Runtime.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task The_runtime_publishes_calls_activations_queue_length_and_latencies()
    {
        var seen = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Command.Runtime")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => seen.AddOrUpdate(i.Name, v, (_, old) => old + v));
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => seen.AddOrUpdate(i.Name, 1, (_, old) => old + 1));
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => seen.AddOrUpdate(i.Name, v, (_, old) => old + v));
        listener.Start();

        await using var cluster = await Cluster.StartAsync(new Probe());
        var grain = cluster.GrainFactory.GetGrain<ICounterGrain>("measured");
        for (var i = 0; i < 10; i++)
        {
            await grain.IncrementAsync();
        }

        listener.RecordObservableInstruments();

        Assert.True(seen.GetValueOrDefault("command.runtime.calls") >= 10);
        Assert.True(seen.GetValueOrDefault("command.runtime.call.duration") >= 10);
        Assert.True(seen.GetValueOrDefault("command.runtime.storage.duration") >= 10);
        Assert.True(seen.GetValueOrDefault("command.runtime.activations") >= 1);
        Assert.True(seen.ContainsKey("command.runtime.queue.length"));
    }
}
