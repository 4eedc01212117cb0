using System.Globalization;
using System.Text;
using Command.Data;

namespace Command.Grains.Cases;

/// <summary>One line of a case list.</summary>
public sealed record CaseSummary(
    string Code, string Title, string Category, string CategoryName, string Urgency, string Channel, string Status, string StatusName,
    string RegionCode, string? UnitId, int? Level, int Supervision, DateTimeOffset AcceptedAt, DateTimeOffset? DueAt, bool Overdue, int Warnings);

public sealed record CasePage(int Total, int Page, int PageSize, IReadOnlyList<CaseSummary> Items);

/// <summary>Case lists from the database (newest first), filtered by region, status and handling unit.</summary>
public sealed class CaseQueries(Database database)
{
    public Task<CasePage> ListAsync(string regionCode, CaseStatus? status, string? unitId, int page, int pageSize, CancellationToken cancellationToken = default) =>
        ListAsync(regionCode, status is { } only ? [only] : [], unitId, page, pageSize, cancellationToken);

    /// <summary>The cases in any of <paramref name="statuses"/> (all when empty), whose code or title contains <paramref name="search"/> when given.</summary>
    public async Task<CasePage> ListAsync(
        string regionCode, IReadOnlyCollection<CaseStatus> statuses, string? unitId, int page, int pageSize, CancellationToken cancellationToken = default, string? search = null)
    {
        ArgumentNullException.ThrowIfNull(regionCode);
        ArgumentNullException.ThrowIfNull(statuses);
        var where = new StringBuilder();
        var parameters = new List<object?>();
        if (regionCode.Length > 0)
        {
            var (condition, value) = CaseRegionFilter.For(regionCode, 1);
            where.Append(" WHERE ").Append(condition);
            parameters.Add(value);
        }

        if (statuses.Count > 0)
        {
            var first = parameters.Count + 1;
            parameters.AddRange(statuses.Select(x => (object?)x.Wire()));
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append("status IN (")
                .AppendJoin(", ", Enumerable.Range(first, statuses.Count).Select(n => "$" + n.ToString(CultureInfo.InvariantCulture))).Append(')');
        }

        Filter(where, parameters, "unit_id", unitId);
        if (!string.IsNullOrEmpty(search))
        {
            parameters.Add("%" + search.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
            var n = "$" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append($"(code LIKE {n} ESCAPE '\\' OR title LIKE {n} ESCAPE '\\')");
        }

        var total = 0;
        await database.QueryAsync(new SqlStatement("SELECT count(*) FROM cases" + where, [.. parameters]),
            r => total = Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        var items = new List<CaseSummary>();
        var offset = (long)(page - 1) * pageSize;
        await database.QueryAsync(
            new SqlStatement(
                "SELECT code, title, category, urgency, channel, status, region_code, unit_id, level, supervision, accepted_at, due_at, overdue, warnings FROM cases"
                + where + $" ORDER BY accepted_at DESC, code DESC LIMIT {pageSize.ToString(CultureInfo.InvariantCulture)} OFFSET {offset.ToString(CultureInfo.InvariantCulture)}",
                [.. parameters]),
            r =>
            {
                var statusText = r.GetString(5);
                items.Add(new CaseSummary(
                    r.GetString(0), r.GetString(1), r.GetString(2), CaseCategories.Find(r.GetString(2))?.Name ?? r.GetString(2), r.GetString(3), r.GetString(4),
                    statusText, CaseNames.TryParseStatus(statusText, out var s) ? s.ToChinese() : statusText, r.GetString(6),
                    r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture),
                    Convert.ToInt32(r.GetValue(9), CultureInfo.InvariantCulture),
                    DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(10), CultureInfo.InvariantCulture)),
                    r.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(11), CultureInfo.InvariantCulture)),
                    Convert.ToInt32(r.GetValue(12), CultureInfo.InvariantCulture) != 0, Convert.ToInt32(r.GetValue(13), CultureInfo.InvariantCulture)));
            },
            cancellationToken).ConfigureAwait(false);
        return new CasePage(total, page, pageSize, items);
    }

    private static void Filter(StringBuilder where, List<object?> parameters, string column, string? value)
    {
        if (value is null)
        {
            return;
        }

        parameters.Add(value);
        where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(column).Append(" = $").Append(parameters.Count.ToString(CultureInfo.InvariantCulture));
    }
}
