using Orleans;
using Orleans.Concurrency;
namespace Command.Grains.Workers;

/// <summary>One worker's patrol on one day (China time): time online (gaps up to the online gap count) and distance.</summary>
[GenerateSerializer, Immutable]
public sealed record PatrolDay(DateOnly Date, TimeSpan Online, double DistanceMetres, int Positions, DateTimeOffset? First, DateTimeOffset? Last)
{
    public double Hours => Math.Round(Online.TotalHours, 2);

    public double Kilometres => Math.Round(DistanceMetres / 1000, 3);
}

/// <summary>Accumulates a day's fixes in time order. Jumps faster than a car (GPS glitches) add no distance.</summary>
public sealed class PatrolTracker(DateOnly date, TimeSpan onlineGap)
{
    private const double MaxMetresPerSecond = 50;

    private PositionFix? previous;
    private long onlineMs;
    private double metres;
    private int count;
    private long first;

    public DateOnly Date { get; } = date;

    public void Add(in PositionFix fix)
    {
        if (previous is { } p && fix.Time > p.Time)
        {
            var gapMs = fix.Time - p.Time;
            if (gapMs <= (long)onlineGap.TotalMilliseconds)
            {
                onlineMs += gapMs;
                var d = Geodesy.Metres(p.Lat, p.Lon, fix.Lat, fix.Lon);
                if (d / (gapMs / 1000.0) <= MaxMetresPerSecond)
                {
                    metres += d;
                }
            }
        }
        else if (previous is null)
        {
            first = fix.Time;
        }

        if (previous is null || fix.Time > previous.Value.Time)
        {
            previous = fix;
            count++;
        }
    }

    public PatrolDay Summary => new(
        Date,
        TimeSpan.FromMilliseconds(onlineMs),
        metres,
        count,
        count == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(first),
        previous?.At);

    /// <summary>The summary of a day's fixes (any order).</summary>
    public static PatrolDay Compute(DateOnly date, IEnumerable<PositionFix> fixes, TimeSpan onlineGap)
    {
        var tracker = new PatrolTracker(date, onlineGap);
        foreach (var fix in fixes.OrderBy(f => f.Time))
        {
            tracker.Add(fix);
        }

        return tracker.Summary;
    }
}
