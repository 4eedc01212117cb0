namespace Command.Grains.Regions.Import;

/// <summary>Builds the tree of regions under a root from a division list, with the grids a plan gives each village.</summary>
internal static class RegionTree
{
    public static RegionNode Build(IReadOnlyList<Division> divisions, string rootCode, GridPlan plan)
    {
        var byCode = new Dictionary<string, Division>(StringComparer.Ordinal);
        var children = new Dictionary<string, List<Division>>(StringComparer.Ordinal);
        foreach (var division in divisions)
        {
            if (!byCode.TryAdd(division.Code, division))
            {
                throw new RegionImportException($"the division list has code {division.Code} twice");
            }

            if (division.ParentCode is { } parent)
            {
                if (!children.TryGetValue(parent, out var siblings))
                {
                    children[parent] = siblings = [];
                }

                siblings.Add(division);
            }
        }

        foreach (var siblings in children.Values)
        {
            siblings.Sort((a, b) => string.CompareOrdinal(a.Code, b.Code));
        }

        if (!byCode.TryGetValue(rootCode, out var root))
        {
            throw new RegionImportException($"the root region {rootCode} is not in the division list");
        }

        var gridCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        return Node(root, children, plan, gridCounts);
    }

    private static RegionNode Node(
        Division division, Dictionary<string, List<Division>> children, GridPlan plan, Dictionary<string, int> gridCounts)
    {
        var node = new RegionNode(division.Code, Display(division), division.Level, division.ParentCode);
        if (division.Level == RegionLevel.Village)
        {
            var count = GridCount(division, children, plan, gridCounts);
            for (var sequence = 1; sequence <= count; sequence++)
            {
                node.Children.Add(new RegionNode(
                    RegionCodes.Grid(division.Code, sequence), RegionNames.Grid(division.Name, sequence), RegionLevel.Grid, division.Code));
            }
        }
        else if (children.TryGetValue(division.Code, out var below))
        {
            node.Children.AddRange(below.Select(child => Node(child, children, plan, gridCounts)));
        }

        return node;
    }

    private static string Display(Division division) =>
        division.Level == RegionLevel.Village ? RegionNames.Short(division.Name) : division.Name;

    /// <summary>
    /// The village's grid count, computed with all villages of its township (so a township total is split the same
    /// whether the import starts at the city, the county or the village itself).
    /// </summary>
    private static int GridCount(
        Division village, Dictionary<string, List<Division>> children, GridPlan plan, Dictionary<string, int> gridCounts)
    {
        if (gridCounts.TryGetValue(village.Code, out var count))
        {
            return count;
        }

        var township = village.ParentCode!;
        var villages = children[township].Where(d => d.Level == RegionLevel.Village).Select(d => d.Code).ToArray();
        var counts = plan.GridCounts(township, villages);
        for (var i = 0; i < villages.Length; i++)
        {
            gridCounts[villages[i]] = counts[i];
        }

        return gridCounts[village.Code];
    }
}
