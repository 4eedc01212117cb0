using System.Diagnostics;
using System.Globalization;
using Orleans;
using Orleans.Runtime;

namespace Command.Bench;

public interface IPingGrain : IGrainWithIntegerKey
{
    Task<int> PingAsync(int value);
}

internal sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> PingAsync(int value) => Task.FromResult(value + 1);
}

/// <summary>The same method body, called directly: the floor the runtime's overhead is measured against.</summary>
internal sealed class DirectPing : IPingGrain
{
    public Task<int> PingAsync(int value) => Task.FromResult(value + 1);
}

/// <summary>Trivial calls spread over 10,000 activations, against the same interface called directly.</summary>
internal static class CallsBenchmark
{
    private const int Activations = 10_000;
    private const int CallsPerBatch = 256;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        await using var silo = await BenchSilo.StartSqliteAsync();
        var grains = Enumerable.Range(0, Activations).Select(i => silo.Grains.GetGrain<IPingGrain>(i)).ToArray();
        await Task.WhenAll(grains.Select(g => g.PingAsync(0)));

        var direct = Enumerable.Range(0, Activations).Select(_ => (IPingGrain)new DirectPing()).ToArray();
        await MeasureAsync(grains, TimeSpan.FromSeconds(1));
        await MeasureAsync(direct, TimeSpan.FromSeconds(1));

        var grainRate = await MeasureAsync(grains, TimeSpan.FromSeconds(seconds));
        var directRate = await MeasureAsync(direct, TimeSpan.FromSeconds(seconds));
        var oneAtATime = await MeasureAsync(grains, TimeSpan.FromSeconds(seconds), callsPerBatch: 1);
        Console.WriteLine($"activations: {Activations}");
        Console.WriteLine($"grain-calls/s: {grainRate:F0}");
        Console.WriteLine($"direct-calls/s: {directRate:F0}");
        Console.WriteLine($"grain/direct: {grainRate / directRate:P2}");
        Console.WriteLine($"grain-calls/s awaited one at a time ({Environment.ProcessorCount * 4} callers): {oneAtATime:F0}");
        SerializerBenchmark.Run(TimeSpan.FromSeconds(seconds / 2));
        return 0;
    }

    /// <summary>Callers (four per core) send batches of calls to random grains and await each batch.</summary>
    private static async Task<double> MeasureAsync(IPingGrain[] targets, TimeSpan duration, int callsPerBatch = CallsPerBatch)
    {
        var callers = Environment.ProcessorCount * 4;
        var stop = Stopwatch.StartNew();
        var counts = new long[callers];
        await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            var batch = new Task<int>[callsPerBatch];
            long done = 0;
            while (stop.Elapsed < duration)
            {
                for (var i = 0; i < batch.Length; i++)
                {
                    batch[i] = targets[random.Next(targets.Length)].PingAsync(i);
                }

                for (var i = 0; i < batch.Length; i++)
                {
                    await batch[i];
                }

                done += batch.Length;
            }

            counts[c] = done;
        })));
        return counts.Sum() / stop.Elapsed.TotalSeconds;
    }
}
