using Command.Grains.Regions;
using Command.Grains.Workers;

namespace Command.Silo.Demo;

/// <summary>
/// Grid workers on patrol: a fixed share of the county's full-time workers (the same ones every run) walk a random
/// path inside their own grid at a walking pace (0.8–1.5 m/s: a step is that pace times the step's period), and their
/// phones report each step through the position log as a tracker's would. Most of the other full-time workers are on
/// duty at their post: their phones report the same place in the background about once a minute (在岗, not 巡查中),
/// as DOMAIN.md describes. A few patrolling workers put the phone away for a while now and then, long enough for the
/// 网格员离线 warning, and come back later.
/// </summary>
internal sealed class DemoPatrol
{
    private const double DropOutShare = 0.05;
    private const double MetresPerDegree = 111_320;
    private const double SlowestPace = 0.8;   // m/s: a patrol on foot, looking around
    private const double FastestPace = 1.5;   // m/s: a brisk walk
    private const double OnDutyShare = 0.75;  // of the full-time workers not on patrol, those whose phone reports from their post
    private static readonly TimeSpan Background = TimeSpan.FromSeconds(60);   // a phone's background report period

    private readonly RegionDirectory directory;
    private readonly PositionLog positions;
    private readonly TimeSpan every;
    private readonly TimeSpan offlineWarning;
    private readonly Random random;
    private readonly List<Walker> walkers = [];
    private readonly int backgroundSteps;
    private long steps;

    /// <param name="offlineWarning">How long a phone must be silent before the offline warning (offline limit plus the warning's delay).</param>
    public DemoPatrol(RegionDirectory directory, PositionLog positions, string county, double share, TimeSpan every, TimeSpan offlineWarning, Random random)
    {
        this.directory = directory;
        this.positions = positions;
        this.every = every;
        this.offlineWarning = offlineWarning;
        this.random = random;
        backgroundSteps = Math.Max(1, (int)Math.Round(Background / every));
        var starts = new Dictionary<string, (double Lat, double Lon)?>(StringComparer.Ordinal);
        foreach (var worker in directory.WorkersWithin(county))
        {
            var drawn = Share(worker.Id, 1);
            var onDuty = drawn >= share;
            if (!worker.FullTime || (onDuty && drawn >= share + ((1 - share) * OnDutyShare)))
            {
                continue;
            }

            if (!starts.TryGetValue(worker.GridCode, out var start))
            {
                start = starts[worker.GridCode] = directory.PointInside(worker.GridCode);
            }

            if (start is { } point)
            {
                walkers.Add(new Walker(worker.Id, worker.GridCode, point.Lat, point.Lon, !onDuty && Share(worker.Id, 2) < DropOutShare)
                {
                    AtPost = onDuty,
                    Heading = random.NextDouble() * 360,
                    Battery = 60 + (random.NextDouble() * 40),
                });
            }
        }
    }

    /// <summary>Workers on patrol whose phones reported in the last step.</summary>
    public int Patrolling { get; private set; }

    /// <summary>Workers on patrol.</summary>
    public int Walkers => walkers.Count(w => !w.AtPost);

    /// <summary>Moves every worker out on patrol one step and reports the positions; completes when they are durable.</summary>
    public Task StepAsync(DateTimeOffset now)
    {
        var fixes = new PositionFix[walkers.Count];
        var count = 0;
        var time = now.ToUnixTimeMilliseconds();
        var patrolling = 0;
        var background = steps++ % backgroundSteps == 0;
        foreach (var walker in walkers)
        {
            if (walker.AtPost)
            {
                // The same place each time: not moving, so 在岗 rather than 巡查中.
                if (background)
                {
                    fixes[count++] = new PositionFix(walker.WorkerId, time, walker.Lat, walker.Lon, Speed: 0, Accuracy: 15, Battery: Math.Round(walker.Battery));
                }

                continue;
            }

            if (!walker.IsOut(now, this))
            {
                continue;
            }

            patrolling++;
            var metres = Walk(walker);
            walker.Battery = walker.Battery < 15 ? 100 : walker.Battery - 0.1;
            fixes[count++] = new PositionFix(walker.WorkerId, time, walker.Lat, walker.Lon,
                Speed: metres / every.TotalSeconds, Bearing: walker.Heading, Accuracy: 5 + (random.NextDouble() * 10), Battery: Math.Round(walker.Battery));
        }

        Patrolling = patrolling;
        return count == 0 ? Task.CompletedTask : positions.AppendAsync(fixes.AsSpan(0, count));
    }

    /// <summary>The point <paramref name="metres"/> from (lat, lon) towards a bearing (degrees from north); fine for short steps.</summary>
    public static (double Lat, double Lon) Move(double lat, double lon, double bearing, double metres)
    {
        var radians = bearing * Math.PI / 180;
        return (lat + (metres * Math.Cos(radians) / MetresPerDegree), lon + (metres * Math.Sin(radians) / (MetresPerDegree * Math.Cos(lat * Math.PI / 180))));
    }

    /// <summary>One step of the random walk that stays inside the grid (it turns back at the edge); returns how far it went.</summary>
    private double Walk(Walker walker)
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var heading = attempt == 0 ? walker.Heading + ((random.NextDouble() - 0.5) * 90) : walker.Heading + 180 + ((random.NextDouble() - 0.5) * 120);
            heading = (heading % 360 + 360) % 360;
            var metres = (SlowestPace + (random.NextDouble() * (FastestPace - SlowestPace))) * every.TotalSeconds;
            var (lat, lon) = Move(walker.Lat, walker.Lon, heading, metres);
            if (directory.LocateGrid(lat, lon)?.Code == walker.GridCode)
            {
                (walker.Lat, walker.Lon, walker.Heading) = (lat, lon, heading);
                return metres;
            }
        }

        return 0;
    }

    /// <summary>A stable share in [0, 1) for a worker (the same on every run), so the same workers patrol after a restart.</summary>
    private static double Share(long workerId, ulong salt)
    {
        var z = ((ulong)workerId * 0x9E3779B97F4A7C15) + (salt * 0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return (z ^ (z >> 31)) / (double)ulong.MaxValue;
    }

    private sealed class Walker(long workerId, string gridCode, double lat, double lon, bool dropsOut)
    {
        private DateTimeOffset? onUntil;
        private DateTimeOffset offUntil;

        public long WorkerId => workerId;

        public string GridCode => gridCode;

        public double Lat { get; set; } = lat;

        public double Lon { get; set; } = lon;

        public double Heading { get; set; }

        public double Battery { get; set; }

        /// <summary>On duty at the post: reports the same place in the background, does not walk.</summary>
        public bool AtPost { get; init; }

        /// <summary>Whether the phone reports now. One who drops out reports for a while, then is silent past the offline warning.</summary>
        public bool IsOut(DateTimeOffset now, DemoPatrol patrol)
        {
            if (!dropsOut)
            {
                return true;
            }

            if (now < offUntil)
            {
                return false;
            }

            onUntil ??= now + (patrol.every * (10 + (patrol.random.NextDouble() * 20)));
            if (now < onUntil)
            {
                return true;
            }

            offUntil = now + (patrol.offlineWarning * (1.5 + (patrol.random.NextDouble() * 1.5)));
            onUntil = null;
            return false;
        }
    }
}
