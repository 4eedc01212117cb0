using Orleans;
using Orleans.Concurrency;
using System.Runtime.InteropServices;

namespace Command.Grains.Workers;

/// <summary>
/// One position a worker's phone reported. Time is the device's, in unix milliseconds; the optional readings
/// are NaN when the device did not send them. A plain struct so batches are arrays, not object graphs.
/// </summary>
[StructLayout(LayoutKind.Auto)]
[GenerateSerializer, Immutable]
public readonly record struct PositionFix(
    long WorkerId,
    long Time,
    double Lat,
    double Lon,
    double Speed = double.NaN,
    double Bearing = double.NaN,
    double Altitude = double.NaN,
    double Accuracy = double.NaN,
    double Battery = double.NaN)
{
    public DateTimeOffset At => DateTimeOffset.FromUnixTimeMilliseconds(Time);
}

/// <summary>Orders fixes by worker, then time, without allocating (for sorting a batch in place).</summary>
public readonly struct ByWorkerThenTime : IComparer<PositionFix>
{
    public int Compare(PositionFix x, PositionFix y)
    {
        var byWorker = x.WorkerId.CompareTo(y.WorkerId);
        return byWorker != 0 ? byWorker : x.Time.CompareTo(y.Time);
    }
}
