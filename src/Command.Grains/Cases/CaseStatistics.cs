using System.Data.Common;
using System.Globalization;
using Command.Grains.Regions;
using Command.Data;

namespace Command.Grains.Cases;

/// <summary>The four 超期 buckets: open or closed (办结 = closed or archived), each within or past its limit.</summary>
public sealed record OverdueBuckets(int NormalOpen, int OverdueOpen, int NormalClosed, int OverdueClosed);

/// <summary>How many cases a level's attempt resolved, and their share of all resolved cases.</summary>
public sealed record LevelShare(RegionLevel Level, int Resolved, double? Share);

public sealed record CategoryStats(string Code, string Name, int Accepted, int Resolved, double? Rate);

/// <summary>A child region's figures. <see cref="Code"/> is null for the row of cases not placed in any known child.</summary>
public sealed record RegionStats(string? Code, string Name, int Accepted, int Resolved, double? Rate);

/// <summary>
/// The figures of the cases accepted in [From, To) inside a region, rejected cases left out. Rates are fractions
/// rounded to 4 decimals, null when nothing is counted under them.
/// </summary>
public sealed record CaseStats(
    string RegionCode,
    DateTimeOffset From,
    DateTimeOffset To,
    int Accepted,
    int Resolved,
    double? ResolutionRate,
    int Completed,
    double? CompletionRate,
    OverdueBuckets Overdue,
    int Revisited,
    int Satisfied,
    double? SatisfactionRate,
    IReadOnlyList<LevelShare> ByLevel,
    IReadOnlyList<CategoryStats> ByCategory,
    IReadOnlyList<RegionStats> ByRegion);

/// <summary>
/// 受理量, 化解量, 化解率, 办结率, 超期, 满意率, and their split by level, category and child region, read from the
/// <c>cases</c> table with three GROUP BY queries (the same SQL on SQLite and PostgreSQL).
/// </summary>
public sealed class CaseStatistics(Database database, RegionDirectory directory)
{
    /// <summary>The row of cases located above the child level, or in a child the directory no longer has.</summary>
    public const string Unplaced = "未落到下级区划";

    private const string Done = "status IN ('closed', 'archived')";
    private const string Won = "result = 'resolved'";

    // The levels in the order the big screen shows them: 小事不出村 reads bottom-up.
    private static readonly RegionLevel[] Levels = [RegionLevel.Grid, RegionLevel.Village, RegionLevel.Township, RegionLevel.County];

    public async Task<CaseStats> ComputeAsync(string regionCode, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var level = RegionCode.LevelOf(regionCode) ?? throw new ArgumentException($"Not a region code: {regionCode}", nameof(regionCode));

        // The code's own column (an indexed one, with accepted_at) or, for a city, every county starting with it.
        var (filter, value) = CaseRegionFilter.For(regionCode, 1);
        var cohort = $"FROM cases WHERE {filter} AND accepted_at >= $2 AND accepted_at < $3 AND status <> 'rejected'";
        object[] parameters = [value, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()];

        var totals = TotalsAsync(cohort, parameters, cancellationToken);
        var categories = GroupAsync("category", cohort, parameters, cancellationToken);
        var children = level == RegionLevel.Grid
            ? Task.FromResult(new Dictionary<string, (int, int)>())
            : GroupAsync(CaseRegionFilter.Column(level + 1), cohort, parameters, cancellationToken);
        await Task.WhenAll(totals, categories, children).ConfigureAwait(false);

        var t = await totals.ConfigureAwait(false);
        return new CaseStats(
            regionCode, from, to, t[0], t[1], Rate(t[1], t[0]), t[2], Rate(t[2], t[0]),
            new OverdueBuckets(t[3], t[4], t[5], t[6]),
            t[8], t[7], Rate(t[7], t[8]),
            [.. Levels.Select((l, i) => new LevelShare(l, t[9 + i], Rate(t[9 + i], t[1])))],
            ByCategory(await categories.ConfigureAwait(false)),
            level == RegionLevel.Grid ? [] : ByRegion(regionCode, await children.ConfigureAwait(false)));
    }

    /// <summary>The fraction rounded to 4 decimals; null when the denominator is 0.</summary>
    public static double? Rate(int count, int of) => of == 0 ? null : Math.Round((double)count / of, 4, MidpointRounding.AwayFromZero);

    private async Task<int[]> TotalsAsync(string cohort, object[] parameters, CancellationToken cancellationToken)
    {
        string[] counted =
        [
            "1",
            $"CASE WHEN {Done} AND {Won} THEN 1 ELSE 0 END",
            $"CASE WHEN {Done} THEN 1 ELSE 0 END",
            $"CASE WHEN NOT {Done} AND overdue = 0 THEN 1 ELSE 0 END",
            $"CASE WHEN NOT {Done} AND overdue <> 0 THEN 1 ELSE 0 END",
            $"CASE WHEN {Done} AND overdue = 0 THEN 1 ELSE 0 END",
            $"CASE WHEN {Done} AND overdue <> 0 THEN 1 ELSE 0 END",
            "CASE WHEN satisfaction IN ('satisfied', 'basic') THEN 1 ELSE 0 END",
            "CASE WHEN satisfaction IS NOT NULL THEN 1 ELSE 0 END",
            .. Levels.Select(l => $"CASE WHEN {Done} AND {Won} AND resolved_level = {(int)l} THEN 1 ELSE 0 END"),
        ];
        var sql = $"SELECT {string.Join(", ", counted.Select(c => $"COALESCE(SUM({c}), 0)"))} {cohort}";
        var figures = new int[counted.Length];
        await database.QueryAsync(new SqlStatement(sql, parameters), r =>
        {
            for (var i = 0; i < figures.Length; i++)
            {
                figures[i] = Int(r, i);
            }
        }, cancellationToken).ConfigureAwait(false);
        return figures;
    }

    /// <summary>Accepted and resolved per value of a column (null values under the empty key).</summary>
    private async Task<Dictionary<string, (int Accepted, int Resolved)>> GroupAsync(
        string column, string cohort, object[] parameters, CancellationToken cancellationToken)
    {
        var groups = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var sql = $"SELECT {column}, COUNT(*), COALESCE(SUM(CASE WHEN {Done} AND {Won} THEN 1 ELSE 0 END), 0) {cohort} GROUP BY {column}";
        await database.QueryAsync(
            new SqlStatement(sql, parameters),
            r => groups[r.IsDBNull(0) ? "" : r.GetString(0)] = (Int(r, 1), Int(r, 2)),
            cancellationToken).ConfigureAwait(false);
        return groups;
    }

    /// <summary>The categories with cases, most cases first.</summary>
    private static List<CategoryStats> ByCategory(Dictionary<string, (int Accepted, int Resolved)> groups) =>
        [.. groups
            .OrderByDescending(g => g.Value.Accepted).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CategoryStats(g.Key, CaseCategories.Find(g.Key)?.Name ?? g.Key, g.Value.Accepted, g.Value.Resolved, Rate(g.Value.Resolved, g.Value.Accepted)))];

    /// <summary>Every child in directory order, zero rows included, then the unplaced cases if any (so the rows add up to the total).</summary>
    private List<RegionStats> ByRegion(string regionCode, Dictionary<string, (int Accepted, int Resolved)> groups)
    {
        var rows = new List<RegionStats>();
        foreach (var child in directory.FindRegion(regionCode)?.Children ?? [])
        {
            var (accepted, resolved) = groups.GetValueOrDefault(child.Code);
            groups.Remove(child.Code);
            rows.Add(new RegionStats(child.Code, child.Name, accepted, resolved, Rate(resolved, accepted)));
        }

        var rest = (Accepted: groups.Values.Sum(g => g.Accepted), Resolved: groups.Values.Sum(g => g.Resolved));
        if (rest.Accepted > 0)
        {
            rows.Add(new RegionStats(null, Unplaced, rest.Accepted, rest.Resolved, Rate(rest.Resolved, rest.Accepted)));
        }

        return rows;
    }

    private static int Int(DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
