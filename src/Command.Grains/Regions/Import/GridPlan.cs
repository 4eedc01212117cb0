namespace Command.Grains.Regions.Import;

/// <summary>
/// How many grids each village is cut into and how many grids get a part-time helper. Every draw depends only on the
/// codes involved, so a plan gives the same grids and workers on every import.
/// </summary>
/// <param name="MinGridsPerVillage">The fewest grids of a village whose township has no fixed total (at least 1).</param>
/// <param name="MaxGridsPerVillage">The most grids of such a village.</param>
/// <param name="TownshipGridTotals">Fixed grid totals by township code, spread as evenly as possible over its villages.</param>
/// <param name="HelperShare">The share of grids, in [0, 1], whose full-time worker has a part-time helper.</param>
public sealed record GridPlan(
    int MinGridsPerVillage,
    int MaxGridsPerVillage,
    IReadOnlyDictionary<string, int> TownshipGridTotals,
    double HelperShare)
{
    /// <summary>The demo county: 2–6 grids a village, 城关镇 (150123100) with its real 129 grids, a helper in 1 grid of 4.</summary>
    public static GridPlan Demo { get; } = new(
        2, 6, new Dictionary<string, int>(StringComparer.Ordinal) { ["150123100"] = 129 }.AsReadOnly(), 0.25);

    /// <summary>The city-scale plan: 4–12 grids a village, a helper in 1 grid of 4.</summary>
    public static GridPlan City { get; } = new(4, 12, new Dictionary<string, int>(StringComparer.Ordinal).AsReadOnly(), 0.25);

    /// <summary>
    /// The grid count of each village of a township, in the order of <paramref name="villageCodes"/>. With a fixed total
    /// every village gets the total divided by the village count, and the remainder goes one each to the villages that
    /// rank first by a hash of their code; otherwise each count is drawn uniformly from [min, max] by the village code.
    /// </summary>
    /// <exception cref="RegionImportException">The plan's bounds are unusable, or a fixed total is below the village count.</exception>
    public IReadOnlyList<int> GridCounts(string townshipCode, IReadOnlyList<string> villageCodes)
    {
        ArgumentNullException.ThrowIfNull(townshipCode);
        ArgumentNullException.ThrowIfNull(villageCodes);
        if (MinGridsPerVillage < 1 || MaxGridsPerVillage < MinGridsPerVillage)
        {
            throw new RegionImportException(
                $"grid plan: grids per village must satisfy 1 <= min <= max, not {MinGridsPerVillage}..{MaxGridsPerVillage}");
        }

        if (!TownshipGridTotals.TryGetValue(townshipCode, out var total))
        {
            var span = MaxGridsPerVillage - MinGridsPerVillage + 1;
            return villageCodes.Select(v => MinGridsPerVillage + (int)(Draw(v, "grids") * span)).ToArray();
        }

        if (total < villageCodes.Count)
        {
            throw new RegionImportException(
                $"grid plan: township {townshipCode} has {total} grids, fewer than its {villageCodes.Count} villages");
        }

        var counts = Enumerable.Repeat(total / villageCodes.Count, villageCodes.Count).ToArray();
        var favoured = Enumerable.Range(0, villageCodes.Count)
            .OrderBy(i => Draw(villageCodes[i], "extra-grid"))
            .ThenBy(i => villageCodes[i], StringComparer.Ordinal)
            .Take(total % villageCodes.Count);
        foreach (var i in favoured)
        {
            counts[i]++;
        }

        return counts;
    }

    /// <summary>Whether the grid <paramref name="gridCode"/> gets a part-time helper besides its full-time worker.</summary>
    public bool HasHelper(string gridCode)
    {
        ArgumentNullException.ThrowIfNull(gridCode);
        return Draw(gridCode, "helper") < HelperShare;
    }

    private static double Draw(string code, string purpose) =>
        SplitMix64.Fraction(SyntheticPartition.Seed(purpose + ":" + code));
}
