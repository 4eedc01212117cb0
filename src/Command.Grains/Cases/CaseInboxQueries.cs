using Command.Data;
using Command.Grains.Live;

namespace Command.Grains.Cases;

/// <summary>
/// A unit's inbox as the database holds it, for a console that connects: every case whose <see cref="CaseInbox"/> names
/// the unit. Rows are found by the handler column, and for a unit that dispatches (a center or a village) by its region,
/// since a case waits for its dispatcher to verify and revisit it; the inbox rule itself then decides.
/// </summary>
public sealed class CaseInboxQueries(Database database, CaseClock clock)
{
    private const string Unfinished = "status IN ('accepted', 'dispatched', 'in_progress', 'resolved', 'closed')";

    /// <param name="unit">The unit id, or worker-{id}.</param>
    /// <param name="region">The region the unit dispatches within, or null for a unit that never dispatches (a department, a worker).</param>
    public async Task<List<CaseCard>> ForAsync(string unit, string? region, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var statement = region is null
            ? new SqlStatement($"SELECT payload FROM cases WHERE unit_id = $1 AND {Unfinished}", unit)
            : RegionStatement(unit, region);
        var found = new List<CaseCard>();
        await database.QueryAsync(statement, r =>
        {
            var state = CaseStore.Deserialize(r.GetString(0));
            if (CaseInbox.Of(state).Any(e => e.Unit == unit))
            {
                found.Add(CaseCard.Of(state, clock.Of(state)));
            }
        }, cancellationToken).ConfigureAwait(false);
        return found;
    }

    private static SqlStatement RegionStatement(string unit, string region)
    {
        var (condition, value) = CaseRegionFilter.For(region, 2);
        return new SqlStatement($"SELECT payload FROM cases WHERE (unit_id = $1 OR {condition}) AND {Unfinished}", unit, value);
    }
}
