using Command.Grains.Cases;

namespace Command.Grains.Dispatch;

/// <summary>
/// The rule table of DOMAIN.md, seeded into an empty table as ordinary rows the admin can edit: police matters (警务类)
/// to the township 派出所, and at high urgency straight to the county 公安局 with a copy to the 派出所; wage arrears to
/// 人社; land to the 司法所 (山林土地 copied to 自然资源局), 征地拆迁 to 自然资源局; family and neighbour disputes to village
/// mediation; petitions to 信访局; medical disputes to the 司法所. Other categories have no rule: such cases wait at the
/// county center for a person to dispatch them.
/// </summary>
public static class DefaultDispatchRules
{
    public static IReadOnlyList<DispatchRule> All { get; } = Build();

    private static List<DispatchRule> Build()
    {
        var rules = new List<DispatchRule>();
        void Add(string category, Urgency? urgency, string target, params string[] copies)
        {
            var name = $"{(urgency is { } u ? u.ToChinese() + "紧急" : string.Empty)}{CaseCategories.Find(category)!.Name}→{DispatchTargets.DisplayName(target)}";
            if (copies.Length > 0)
            {
                name += $"（抄送{string.Join("、", copies.Select(DispatchTargets.DisplayName))}）";
            }

            rules.Add(new DispatchRule(rules.Count + 1, name, string.Empty, category, urgency, target, copies));
        }

        var police = CaseCategories.All.Where(c => c.Police).Select(c => c.Code).ToList();
        foreach (var category in police)
        {
            Add(category, null, "township:police");
        }

        foreach (var category in police)
        {
            Add(category, Urgency.High, "county:police", "township:police");
        }

        Add("10", null, "county:hrss");
        Add("07", null, "township:justice", "county:land");
        Add("03", null, "township:justice");
        Add("08", null, "county:land");
        Add("01", null, "village:mediation");
        Add("02", null, "village:mediation");
        Add("16", null, "county:petition");
        Add("11", null, "township:justice");
        return rules;
    }
}
