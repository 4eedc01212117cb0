using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Command.Bench;

/// <summary>
/// Every grid worker of a region walking about their township, as their phones would report: each fix moves a worker
/// a few metres and carries a timestamp (ms) strictly greater than the worker's last, which is also the version the
/// big screen keys the worker's update by (<c>{id}@{timestamp}</c>).
/// </summary>
internal sealed class MovingWorkers
{
    private const double Step = 0.00015;   // about 15 m: a walk of 12 s

    private readonly Worker[] workers;
    private readonly Dictionary<string, BoundaryPoints> townships;
    private readonly Random random = new(2112);
    private int next;

    private MovingWorkers(Worker[] workers, Dictionary<string, BoundaryPoints> townships)
    {
        this.workers = workers;
        this.townships = townships;
    }

    public int Count => workers.Length;

    /// <summary>Reads every worker of the region (as the admin, who sees device ids) and places each inside their township.</summary>
    public static async Task<MovingWorkers> LoadAsync(HttpClient admin, string region)
    {
        var townships = new Dictionary<string, BoundaryPoints>(StringComparer.Ordinal);
        using (var city = JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/api/regions/{region}", UriKind.Relative))))
        {
            foreach (var county in city.RootElement.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("code").GetString()!))
            {
                var shapes = BoundaryPoints.Parse(await admin.GetStringAsync(new Uri($"/api/regions/{county}/boundaries", UriKind.Relative)));
                foreach (var township in shapes.Codes)
                {
                    townships[township] = shapes;
                }
            }
        }

        var random = new Random(21);
        var workers = new List<Worker>();
        for (var page = 1; ; page++)
        {
            using var list = JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/api/workers?region={region}&page={page}&pageSize=1000", UriKind.Relative)));
            foreach (var item in list.RootElement.GetProperty("items").EnumerateArray())
            {
                var township = item.GetProperty("gridCode").GetString()![..9];
                var (lat, lon) = townships[township].RandomPoint(township, random);
                workers.Add(new Worker(item.GetProperty("id").GetInt64(), item.GetProperty("deviceId").GetString()!, township) { Lat = lat, Lon = lon });
            }

            if (workers.Count >= list.RootElement.GetProperty("total").GetInt32())
            {
                break;
            }
        }

        if (workers.Select(w => w.Id).Distinct().Count() != workers.Count || workers.Select(w => w.Device).Distinct().Count() != workers.Count)
        {
            throw new InvalidOperationException($"GET /api/workers?region={region} listed {workers.Count} workers with {workers.Select(w => w.Id).Distinct().Count()} ids and {workers.Select(w => w.Device).Distinct().Count()} device ids");
        }

        return new MovingWorkers([.. workers], townships);
    }

    /// <summary>A random point inside one of the townships of a county, for a case.</summary>
    public (double Lat, double Lon) PointIn(string county, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var codes = townships.Keys.Where(t => t.StartsWith(county, StringComparison.Ordinal)).ToList();
        var township = codes[random.Next(codes.Count)];
        return townships[township].RandomPoint(township, random);
    }

    /// <summary>
    /// The next <paramref name="size"/> workers in turn, each moved one step, as the body of POST /api/positions;
    /// <paramref name="fixes"/> gets each fix's key (<c>{id}@{timestamp}</c>).
    /// </summary>
    public string NextBatch(int size, long now, List<string> fixes)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        var body = new StringBuilder(size * 120).Append("{\"positions\":[");
        for (var i = 0; i < size; i++)
        {
            var worker = workers[next];
            next = (next + 1) % workers.Length;
            var moved = Move(worker);
            worker.Timestamp = Math.Max(worker.Timestamp + 1, now);
            if (moved)
            {
                // A fix where the worker stands still changes nothing on the map, and the screen need not be told.
                fixes.Add(string.Create(CultureInfo.InvariantCulture, $"{worker.Id}@{worker.Timestamp}"));
            }

            body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"id\":\"{worker.Device}\",\"lat\":{worker.Lat:0.000000},\"lon\":{worker.Lon:0.000000},\"timestamp\":{worker.Timestamp},\"speed\":1.3}}");
        }

        return body.Append("]}").ToString();
    }

    /// <summary>A step in a random direction that stays inside the township; false when none of a few tries did.</summary>
    private bool Move(Worker worker)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var angle = random.NextDouble() * 2 * Math.PI;
            var (lat, lon) = (Math.Round(worker.Lat + (Step * Math.Sin(angle)), 6), Math.Round(worker.Lon + (Step * Math.Cos(angle)), 6));
            if (townships[worker.Township].Contains(worker.Township, lat, lon))
            {
                (worker.Lat, worker.Lon) = (lat, lon);
                return true;
            }
        }

        return false;
    }

    private sealed class Worker(long id, string device, string township)
    {
        public long Id => id;

        public string Device => device;

        public string Township => township;

        public double Lat { get; set; }

        public double Lon { get; set; }

        public long Timestamp { get; set; }
    }
}
