using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Serialization;

namespace Command.Bench;

/// <summary>A case card with its history, as Orleans' generated serializer sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record GeneratedCard(string Code, string Title, string Status, double Lat, double Lon, DateTimeOffset AcceptedAt, IReadOnlyList<GeneratedStep> History);

[GenerateSerializer, Immutable]
public sealed record GeneratedStep(int Seq, DateTimeOffset At, string Action, string Actor, string? Note);

/// <summary>The same shape left plain, for Orleans' System.Text.Json serializer.</summary>
public sealed record JsonCard(string Code, string Title, string Status, double Lat, double Lon, DateTimeOffset AcceptedAt, IReadOnlyList<JsonStep> History);

public sealed record JsonStep(int Seq, DateTimeOffset At, string Action, string Actor, string? Note);

/// <summary>
/// Generated serializers against Orleans' System.Text.Json serializer on a case-shaped message: encode plus decode (a call
/// between silos) per second, and the bytes on the wire, measured in one run.
/// </summary>
internal static class SerializerBenchmark
{
    public static void Run(TimeSpan duration)
    {
        using var services = new ServiceCollection()
            .AddSerializer(serializer => serializer.AddJsonSerializer(isSupported: type => type == typeof(JsonCard) || type == typeof(JsonStep)))
            .BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var at = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(8));
        var generated = new GeneratedCard("150123-20261102-0001", "邻居漏水纠纷", "处置中", 40.4, 111.8, at,
            [.. Enumerable.Range(1, 10).Select(i => new GeneratedStep(i, at.AddMinutes(i), "签收", "village-150123100001", "已联系双方当事人"))]);
        var json = new JsonCard(generated.Code, generated.Title, generated.Status, generated.Lat, generated.Lon, at,
            [.. generated.History.Select(s => new JsonStep(s.Seq, s.At, s.Action, s.Actor, s.Note))]);

        var generatedRate = RoundTrips(serializer, generated, duration, out var generatedBytes);
        var jsonRate = RoundTrips(serializer, json, duration, out var jsonBytes);
        Console.WriteLine($"serializer-roundtrips/s generated: {generatedRate:F0} ({generatedBytes} bytes)");
        Console.WriteLine($"serializer-roundtrips/s system-text-json: {jsonRate:F0} ({jsonBytes} bytes)");
        Console.WriteLine($"generated/json: {generatedRate / jsonRate:F2}x");
    }

    private static double RoundTrips<T>(Serializer serializer, T value, TimeSpan duration, out int bytes)
    {
        var encoded = serializer.SerializeToArray(value);
        bytes = encoded.Length;
        if (!Equals(serializer.Deserialize<T>(encoded)?.GetType(), value!.GetType()))
        {
            throw new InvalidOperationException($"{typeof(T).Name} did not round-trip.");
        }

        var watch = Stopwatch.StartNew();
        long done = 0;
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 1000; i++)
            {
                serializer.Deserialize<T>(serializer.SerializeToArray(value));
            }

            done += 1000;
        }

        return done / watch.Elapsed.TotalSeconds;
    }
}
