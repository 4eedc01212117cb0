using Command.Grains.Live;
using Command.Grains.Regions;

namespace Command.Web.Live;

/// <summary>
/// What every screen should be drawing now: the last position of each worker who reported, open cases, active
/// warnings and region counters, each with its version. Snapshots are cut from it; each accepted change is also a
/// delta. Not thread-safe: the bridge calls it under its lock.
/// </summary>
internal sealed class LiveBoard(RegionDirectory directory)
{
    private readonly Dictionary<long, (WorkerItem Item, string Grid)> workers = [];
    private readonly Dictionary<string, CaseCard> cases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WarningCard> warnings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CountersItem> counters = new(StringComparer.Ordinal);

    // Cases and warnings taken off before the start-up seed: what the database said must not bring them back. After the
    // seed nothing is recorded (the set would grow for the life of the process).
    private readonly HashSet<string> gone = new(StringComparer.Ordinal);
    private bool seeded;
    private long sequence;

    public int WorkerCount => workers.Count;

    /// <summary>Keeps a newer worker mark; false for an older or unchanged one.</summary>
    public bool Put(in WorkerMark mark, out WorkerItem item)
    {
        item = WorkerItem.Of(mark);
        if (workers.TryGetValue(mark.Id, out var old)
            && (old.Item.V >= item.V || (old.Item.Lat == item.Lat && old.Item.Lon == item.Lon && old.Item.Status == item.Status)))
        {
            return false;
        }

        workers[mark.Id] = (item, mark.GridCode);
        return true;
    }

    /// <summary>Keeps a newer case card (removing it when it is no longer open); false for an older one.</summary>
    public bool Put(CaseCard card)
    {
        if (cases.TryGetValue(card.Code, out var old) && old.V >= card.V)
        {
            return false;
        }

        if (card.Open)
        {
            cases[card.Code] = card;
        }
        else
        {
            cases.Remove(card.Code);
            Gone(card.Code);
        }

        return true;
    }

    /// <summary>Keeps a warning change, completed from what is known (raised time, acknowledgement, place); returns it versioned.</summary>
    public WarningCard Put(WarningCard card)
    {
        warnings.TryGetValue(card.Id, out var old);
        var (lat, lon) = card.Lat is null ? Place(card) : (card.Lat, card.Lon);
        var merged = card with
        {
            RaisedAt = old?.RaisedAt ?? card.RaisedAt,
            AckedBy = card.AckedBy ?? old?.AckedBy,
            Lat = lat,
            Lon = lon,
            V = ++sequence,
        };
        if (merged.Active)
        {
            warnings[card.Id] = merged;
        }
        else
        {
            warnings.Remove(card.Id);
            Gone(card.Id);
        }

        return merged;
    }

    public WarningCard? Acknowledge(string id, string by) =>
        warnings.TryGetValue(id, out var old) && old.AckedBy is null ? Put(old with { AckedBy = by }) : null;

    /// <summary>Keeps changed counters; null when they are the same as before.</summary>
    public CountersItem? Put(string code, in RegionCounters value)
    {
        if (counters.TryGetValue(code, out var old) && old.SameCounts(value))
        {
            return null;
        }

        return counters[code] = CountersItem.Of(code, value, ++sequence);
    }

    /// <summary>Adds what the database holds unless something newer (or a removal) is known already.</summary>
    public void Seed(IReadOnlyList<CaseCard> openCases, IReadOnlyList<WarningCard> activeWarnings)
    {
        foreach (var card in openCases)
        {
            if (!gone.Contains(card.Code) && !cases.ContainsKey(card.Code))
            {
                cases[card.Code] = card;
            }
        }

        foreach (var card in activeWarnings)
        {
            if (!gone.Contains(card.Id) && !warnings.ContainsKey(card.Id))
            {
                Put(card);
            }
        }

        seeded = true;
        gone.Clear();
    }

    private void Gone(string key)
    {
        if (!seeded)
        {
            gone.Add(key);
        }
    }

    public CountersItem? CountersOf(string code) => counters.GetValueOrDefault(code);

    public bool HasWarning(string id) => warnings.ContainsKey(id);

    /// <summary>Everything on the board, as the changes that would draw it on another silo's board.</summary>
    public LiveChanges Export() => new(
        string.Empty,
        0,
        [.. workers.Values.Select(w => new WorkerMark(w.Item.Id, w.Grid, w.Item.Lat, w.Item.Lon, (Grains.Workers.WorkerStatus)w.Item.Status, w.Item.T, w.Item.V))],
        [.. cases.Values],
        [.. warnings.Values],
        [],
        [.. counters.Values.Select(c => new RegionCountersChange(
            c.Code, new RegionCounters(c.Grids, c.Workers, c.Online, c.Patrolling, c.Open, c.Overdue, c.Warnings, c.AcceptedToday, c.ResolvedToday)))]);

    /// <summary>The latest mark of each worker inside a region code prefix, by id (workers never seen are absent).</summary>
    public Dictionary<long, WorkerItem> WorkersInside(string scope)
    {
        var found = new Dictionary<long, WorkerItem>();
        foreach (var (item, grid) in workers.Values)
        {
            if (RegionCode.IsWithin(grid, scope))
            {
                found[item.Id] = item;
            }
        }

        return found;
    }

    /// <summary>Everything inside a region code prefix.</summary>
    public (List<WorkerItem> Workers, List<CaseCard> Cases, List<WarningCard> Warnings) Inside(string scope)
    {
        var w = new List<WorkerItem>();
        foreach (var (item, grid) in workers.Values)
        {
            if (RegionCode.IsWithin(grid, scope))
            {
                w.Add(item);
            }
        }

        return (w, [.. cases.Values.Where(c => RegionCode.IsWithin(c.RegionCode, scope))],
            [.. warnings.Values.Where(c => RegionCode.IsWithin(c.RegionCode, scope))]);
    }

    /// <summary>Where a warning is drawn: at its case, its worker, or the middle of its region.</summary>
    private (double? Lat, double? Lon) Place(WarningCard card)
    {
        if (card.CaseCode is { } code && cases.TryGetValue(code, out var c) && c.Lat is not null)
        {
            return (c.Lat, c.Lon);
        }

        if (card.WorkerId is { } id && workers.TryGetValue(id, out var w))
        {
            return (w.Item.Lat, w.Item.Lon);
        }

        if (directory.FindRegion(card.RegionCode) is { } region)
        {
            var centre = region.Envelope.Centre;
            return (Math.Round(centre.Y, 6), Math.Round(centre.X, 6));
        }

        return (null, null);
    }
}
