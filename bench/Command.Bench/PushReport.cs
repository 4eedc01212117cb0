using System.Globalization;

namespace Command.Bench;

/// <summary>What the push bench's drive sent: each moving fix's send time and batch, and each batch's time to be acknowledged (−1: failed).</summary>
internal sealed record PushDrive(int BatchSize, TimeSpan Period, Dictionary<string, long> SentAt, Dictionary<string, int> BatchOf, long[] AcknowledgedMs);

/// <summary>The push bench's figures: latency from sending a fix to the browser applying it, where it goes, and batch apply times.</summary>
internal static class PushReport
{
    public static void Print(int workers, int cases, PushDrive drive, Probe probe, double seconds)
    {
        var (applied, applyMs) = (probe.Applied, probe.ApplyMs);
        var (sentAt, batches) = (drive.SentAt, drive.AcknowledgedMs.Length);
        var latencies = sentAt.Where(f => applied.ContainsKey(f.Key)).Select(f => (double)(applied[f.Key] - f.Value)).Order().ToArray();
        var acknowledged = drive.AcknowledgedMs.Where(ms => ms >= 0).Select(ms => (double)ms).Order().ToArray();
        var unseen = sentAt.Keys.Where(f => !applied.ContainsKey(f)).GroupBy(f => drive.BatchOf[f]).OrderBy(g => g.Key).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"workers: {workers}, open cases: {cases}, batches: {batches} × {drive.BatchSize} positions over {seconds:0} s (every worker every {drive.Period.TotalSeconds:0} s; {(batches * drive.BatchSize) - sentAt.Count} fixes stood still), failed batches: {batches - acknowledged.Length}"));
        if (acknowledged.Length > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"positions acknowledged (durable): p50 {Percentile(acknowledged, 0.50):0} ms, p99 {Percentile(acknowledged, 0.99):0} ms after the request was sent"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"samples: {latencies.Length} of {sentAt.Count} moving fixes sent were applied by the browser ({sentAt.Count - latencies.Length} not seen; probe holds {applied.Count})"));
        if (unseen.Count > 0)
        {
            Console.WriteLine("not seen, by batch (0-based, in sending order): " + string.Join(", ", unseen.Take(20).Select(g => $"#{g.Key}: {g.Count()}")));
            foreach (var fix in unseen.SelectMany(g => g).Take(5))
            {
                var id = fix[..(fix.IndexOf('@', StringComparison.Ordinal) + 1)];
                Console.WriteLine($"  {fix} not seen; the browser applied for this worker: {string.Join(" ", applied.Keys.Where(k => k.StartsWith(id, StringComparison.Ordinal)).Order(StringComparer.Ordinal))}; sent: {string.Join(" ", sentAt.Keys.Where(k => k.StartsWith(id, StringComparison.Ordinal)).Order(StringComparer.Ordinal))}");
            }
        }
        if (latencies.Length == 0)
        {
            Console.WriteLine("push-latency-p99-ms: n/a (the page recorded none of the fixes: does it keep window.commandScreen.probe?)");
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"push-latency-p50-ms: {Percentile(latencies, 0.50):0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"push-latency-p99-ms: {Percentile(latencies, 0.99):0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"push-latency-max-ms: {latencies[^1]:0}"));
            var first = sentAt.Values.Min();
            var windows = sentAt.Where(f => applied.ContainsKey(f.Key)).GroupBy(f => (f.Value - first) / 10_000).OrderBy(g => g.Key)
                .Select(g => Percentile([.. g.Select(f => (double)(applied[f.Key] - f.Value)).Order()], 0.99));
            Console.WriteLine("push-latency p99 per 10 s of sending (ms): " + string.Join(", ", windows.Select(ms => ms.ToString("0", CultureInfo.InvariantCulture))));

            // Where the time goes: sent → the hub's batch (serverTime) → the message reaches the page → applied.
            var split = sentAt.Where(f => applied.ContainsKey(f.Key) && probe.Received.ContainsKey(f.Key))
                .Select(f => (Server: probe.Received[f.Key].ServerTime - f.Value, Delivery: probe.Received[f.Key].At - probe.Received[f.Key].ServerTime, Apply: applied[f.Key] - probe.Received[f.Key].At))
                .ToList();
            if (split.Count > 0)
            {
                string P(Func<(long Server, long Delivery, long Apply), long> part) =>
                    string.Create(CultureInfo.InvariantCulture, $"p50 {Percentile([.. split.Select(s => (double)part(s)).Order()], 0.50):0}, p99 {Percentile([.. split.Select(s => (double)part(s)).Order()], 0.99):0}");
                Console.WriteLine($"  sent → batch serverTime (ms): {P(s => s.Server)}");
                Console.WriteLine($"  serverTime → message at the page (ms): {P(s => s.Delivery)}");
                Console.WriteLine($"  message at the page → applied (ms): {P(s => s.Apply)}");
            }

            // A message waits while the page's main thread is busy (drawing the map): its long tasks during the drive.
            var (from, to) = (first, sentAt.Values.Max());
            var busy = probe.LongTasks.Where(t => t.Start >= from && t.Start <= to).ToArray();
            if (busy.Length > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  page main thread: {busy.Length} tasks over 50 ms during the drive, {busy.Sum(t => t.Duration) / 1000:0.0} s of {(to - from) / 1000.0:0} s busy in them, longest {busy.Max(t => t.Duration):0} ms"));
            }
        }

        Array.Sort(applyMs);
        Console.WriteLine(applyMs.Length == 0
            ? "batch-apply-ms: n/a (the page recorded no window.commandScreen.stats.applyMs)"
            : string.Create(CultureInfo.InvariantCulture, $"batch-apply-ms: {Percentile(applyMs, 0.99):0.0} (p99 of {applyMs.Length} batches; p50 {Percentile(applyMs, 0.50):0.0})"));
        if (applyMs.Length > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch-apply-max-ms: {applyMs[^1]:0.0}"));
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
