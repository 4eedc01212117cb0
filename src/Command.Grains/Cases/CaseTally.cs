using System.Globalization;
using Command.Grains.Regions;
using Command.Data;

namespace Command.Grains.Cases;

/// <summary>
/// The cases a grid or region counts directly (its own, not its children's): open ones, and those accepted or resolved
/// today or within the hot-spot window. Rebuilt from the database at activation; kept current by the cases' reports.
/// </summary>
public sealed class CaseTally
{
    /// <summary>The open statuses as an SQL list (<see cref="CaseNames.IsOpen"/>).</summary>
    private static readonly string OpenStatuses = string.Join(", ", Enum.GetValues<CaseStatus>().Where(CaseNames.IsOpen).Select(s => $"'{s.Wire()}'"));

    private readonly Dictionary<string, CaseMark> marks = new(StringComparer.Ordinal);

    public int Count => marks.Count;

    /// <summary>Loads the cases whose finest region is <paramref name="regionCode"/> that still count.</summary>
    public async Task LoadAsync(Database database, string regionCode, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        marks.Clear();
        var column = regionCode.Length == 15 ? "grid_code" : "region_code";
        await database.QueryAsync(
            new SqlStatement(
                $"""
                SELECT code, status, overdue, warnings, accepted_at, result, closed_at FROM cases
                 WHERE {column} = $1 AND (status IN ({OpenStatuses}) OR accepted_at >= $2 OR closed_at >= $2)
                """,
                regionCode, since.ToUnixTimeMilliseconds()),
            r => marks[r.GetString(0)] = CaseMark.Of(
                CaseNames.TryParseStatus(r.GetString(1), out var status) ? status : CaseStatus.Accepted,
                Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture) != 0,
                Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(4), CultureInfo.InvariantCulture)),
                r.IsDBNull(5) ? null : r.GetString(5) == CaseResult.Resolved.Wire() ? CaseResult.Resolved : CaseResult.NotResolved,
                r.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(6), CultureInfo.InvariantCulture))),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Since when cases count for a grid's live counters: the start of today, or the hot-spot window if it reaches further back.</summary>
    public static DateTimeOffset CountingSince(DateTimeOffset now, TimeSpan hotSpotWindow)
    {
        var today = ChinaDate.StartOf(ChinaDate.Of(now));
        var window = now - hotSpotWindow;
        return window < today ? window : today;
    }

    /// <summary>
    /// The grids and regions that count something now: cases open, or accepted or closed since <paramref name="since"/>, and
    /// active grid or worker warnings, and the regions counting an active order warning (<see cref="RegionCode.CountedAt"/>). Activating them at start makes the counters right at once after a restart.
    /// </summary>
    public static async Task<List<string>> PlacesAsync(Database database, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var places = new List<string>();
        await database.QueryAsync(
            new SqlStatement(
                $"""
                SELECT DISTINCT COALESCE(grid_code, region_code) FROM cases
                 WHERE status IN ({OpenStatuses}) OR accepted_at >= $1 OR closed_at >= $1
                UNION
                SELECT DISTINCT region_code FROM warnings WHERE cleared_at IS NULL AND kind IN ('hot_spot', 'worker_offline')
                UNION
                SELECT DISTINCT CASE WHEN length(region_code) = 15 THEN substr(region_code, 1, 12) ELSE region_code END FROM warnings WHERE cleared_at IS NULL AND kind IN ('order_unsigned', 'order_unreported')
                """,
                since.ToUnixTimeMilliseconds()),
            r => places.Add(r.GetString(0)),
            cancellationToken).ConfigureAwait(false);
        return places;
    }

    /// <summary>Records a case's mark; false when nothing changed.</summary>
    public bool Set(string code, CaseMark mark)
    {
        if (marks.TryGetValue(code, out var old) && old == mark)
        {
            return false;
        }

        marks[code] = mark;
        return true;
    }

    /// <summary>Forgets closed cases that no longer count today or towards a hot spot.</summary>
    public void Prune(DateOnly today, DateTimeOffset since)
    {
        foreach (var (code, mark) in marks.ToList())
        {
            if (!mark.Open && mark.AcceptedDay != today && mark.ResolvedDay != today && mark.AcceptedAt < since)
            {
                marks.Remove(code);
            }
        }
    }

    /// <summary>How many cases were accepted at or after <paramref name="since"/>.</summary>
    public int AcceptedSince(DateTimeOffset since) => marks.Values.Count(m => m.AcceptedAt >= since && m.AcceptedDay != DateOnly.MinValue);

    public RegionCounters Counters(DateOnly today)
    {
        int open = 0, overdue = 0, warnings = 0, accepted = 0, resolved = 0;
        foreach (var mark in marks.Values)
        {
            open += mark.Open ? 1 : 0;
            overdue += mark.Overdue ? 1 : 0;
            warnings += mark.Warnings;
            accepted += mark.AcceptedDay == today ? 1 : 0;
            resolved += mark.ResolvedDay == today ? 1 : 0;
        }

        return new RegionCounters(0, 0, 0, 0, open, overdue, warnings, accepted, resolved);
    }

    public override string ToString() => marks.Count.ToString(CultureInfo.InvariantCulture);
}
