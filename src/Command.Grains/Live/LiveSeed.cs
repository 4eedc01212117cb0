using Command.Grains.Cases;
using Command.Grains.Warnings;
using Command.Data;

namespace Command.Grains.Live;

/// <summary>
/// At start, hands the screens every open case and active warning in the database, so a screen that connects before
/// those grains wake still sees them. What grains publish meanwhile wins (the feed keeps the newer of the two).
/// </summary>
public sealed class LiveSeed(Database database, CaseClock clock, WarningStore warnings, ILiveFeed live)
{
    private static readonly string OpenStatuses = string.Join(", ",
        Enum.GetValues<CaseStatus>().Where(CaseNames.IsOpen).Select(s => $"'{s.Wire()}'"));

    public async Task<(int Cases, int Warnings)> LoadAsync(CancellationToken cancellationToken = default)
    {
        var cases = new List<CaseCard>();
        await database.QueryAsync(
            new SqlStatement($"SELECT payload FROM cases WHERE status IN ({OpenStatuses})"),
            r =>
            {
                var state = CaseStore.Deserialize(r.GetString(0));
                cases.Add(CaseCard.Of(state, clock.Of(state)));
            },
            cancellationToken).ConfigureAwait(false);
        var active = await warnings.ActiveAsync(cancellationToken).ConfigureAwait(false);
        live.Seed(cases, [.. active.Select(WarningCard.Of)]);
        return (cases.Count, active.Count);
    }
}
