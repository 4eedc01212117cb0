using Command.Grains.Cases;
using Command.Grains.Regions;

namespace Command.Grains.Dispatch;

/// <summary>What makes a rule table unusable, each problem in Chinese and naming its rule.</summary>
internal static class DispatchRuleValidation
{
    public static IReadOnlyList<string> Check(IReadOnlyList<DispatchRule> rules, RegionDirectory directory)
    {
        var errors = new List<string>();
        if (rules.Count == 0)
        {
            // An empty table would be seeded with the defaults again at the next start.
            errors.Add("规则表不能为空：没有规则的类别会留在县综治中心等待人工分派，请至少保留一条规则");
            return errors;
        }

        var seenIds = new HashSet<long>();
        var seenScopes = new Dictionary<(string, string, Urgency?), DispatchRule>();
        foreach (var rule in rules)
        {
            if (rule is null)
            {
                errors.Add("规则表中有空规则");
                continue;
            }

            var name = $"规则 {rule.Id}「{rule.Name}」";
            void Add(string problem) => errors.Add($"{name}：{problem}");
            if (rule.Id <= 0)
            {
                Add("编号必须是正整数");
            }
            else if (!seenIds.Add(rule.Id))
            {
                Add("编号与另一条规则重复");
            }

            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                Add("名称不能为空（名称会记入案件的办理过程）");
            }

            if (rule.Region is null || (rule.Region.Length > 0 && directory.FindRegion(rule.Region) is null))
            {
                Add($"地区 \"{rule.Region}\" 不是已导入的区划代码（留空表示全部地区）");
            }

            if (rule.Category is null || (rule.Category.Length > 0 && CaseCategories.Find(rule.Category) is null))
            {
                Add($"类别 \"{rule.Category}\" 不存在（应为 {string.Join("、", CaseCategories.All.Select(c => c.Code))} 之一，留空表示全部类别）");
            }

            if (rule.Urgency is { } urgency && !Enum.IsDefined(urgency))
            {
                Add($"紧急程度 {(int)urgency} 未知");
            }

            if (DispatchTargets.Check(rule.Target) is { } target)
            {
                Add($"派单目标 {target}");
            }

            if (rule.Copies is null)
            {
                Add("缺少抄送列表（没有抄送时应为空列表）");
            }
            else
            {
                foreach (var copy in rule.Copies)
                {
                    if (DispatchTargets.Check(copy) is { } problem)
                    {
                        Add($"抄送 {problem}");
                    }
                }
            }

            if (rule.Region is not null && rule.Category is not null && !seenScopes.TryAdd((rule.Region, rule.Category, rule.Urgency), rule))
            {
                var other = seenScopes[(rule.Region, rule.Category, rule.Urgency)];
                Add($"与规则 {other.Id}「{other.Name}」的地区、类别和紧急程度完全相同，两条中只有编号小的会生效");
            }
        }

        return errors;
    }
}
