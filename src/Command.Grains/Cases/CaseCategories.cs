namespace Command.Grains.Cases;

/// <summary>
/// A category of case (矛盾纠纷类别): whether it is a police matter (警务类), a dispute that is mediated (and so revisited
/// weekly then monthly), and its default complexity (which picks the 3/7/15-day handling limit).
/// </summary>
public sealed record CaseCategory(string Code, string Name, bool Police, bool Dispute, Complexity Complexity);

/// <summary>The default category table of DOMAIN.md.</summary>
public static class CaseCategories
{
    public static readonly IReadOnlyList<CaseCategory> All =
    [
        new("01", "婚姻家庭", false, true, Complexity.General),
        new("02", "邻里纠纷", false, true, Complexity.Simple),
        new("03", "房屋宅基地", false, true, Complexity.General),
        new("04", "合同纠纷", false, true, Complexity.General),
        new("05", "生产经营", false, true, Complexity.General),
        new("06", "损害赔偿", false, true, Complexity.General),
        new("07", "山林土地", false, true, Complexity.Complex),
        new("08", "征地拆迁", false, true, Complexity.Complex),
        new("09", "环境污染", false, true, Complexity.General),
        new("10", "劳动争议/欠薪", false, true, Complexity.General),
        new("11", "医疗纠纷", false, true, Complexity.Complex),
        new("12", "道路交通事故", true, true, Complexity.General),
        new("13", "物业管理", false, true, Complexity.Simple),
        new("14", "治安隐患", true, false, Complexity.Simple),
        new("15", "安全隐患", false, false, Complexity.Simple),
        new("16", "信访问题", false, true, Complexity.Complex),
        new("17", "民生服务", false, false, Complexity.Simple),
        new("99", "其他", false, true, Complexity.General),
    ];

    private static readonly Dictionary<string, CaseCategory> ByCode = All.ToDictionary(c => c.Code, StringComparer.Ordinal);

    public static CaseCategory? Find(string? code) => code is null ? null : ByCode.GetValueOrDefault(code);
}
