using Command.Grains.Regions;

namespace Command.Grains.Units;

/// <summary>
/// The units an imported region tree gets by default: a 综治中心 per county and township, a unit per village or
/// community, the county's departments (公安, 司法, 法院, 人社, 信访, 自然资源) and each township's 派出所 and 司法所.
/// </summary>
public static class UnitPlan
{
    /// <summary>County departments: short name (used in ids and user names), name suffix.</summary>
    public static readonly IReadOnlyList<(string Short, string Suffix)> CountyDepartments =
    [
        ("police", "公安局"),
        ("justice", "司法局"),
        ("court", "人民法院"),
        ("hrss", "人力资源和社会保障局"),
        ("petition", "信访局"),
        ("land", "自然资源局"),
    ];

    /// <summary>Township departments: short name, name suffix (after the township's name without 镇/乡/街道).</summary>
    public static readonly IReadOnlyList<(string Short, string Suffix)> TownshipDepartments =
    [
        ("police", "派出所"),
        ("justice", "司法所"),
    ];

    public static string CenterId(string regionCode) => $"center-{regionCode}";

    public static string VillageId(string villageCode) => $"village-{villageCode}";

    public static string DepartmentId(string regionCode, string shortName) => $"dept-{regionCode}-{shortName}";

    public static bool IsCenter(string unitId) => unitId.StartsWith("center-", StringComparison.Ordinal);

    public static bool IsDepartment(string unitId) => unitId.StartsWith("dept-", StringComparison.Ordinal);

    public static IReadOnlyList<UnitInfo> For(IEnumerable<(string Code, string Name, RegionLevel Level)> regions)
    {
        ArgumentNullException.ThrowIfNull(regions);
        var units = new List<UnitInfo>();
        foreach (var (code, name, level) in regions)
        {
            switch (level)
            {
                case RegionLevel.County:
                    units.Add(new UnitInfo(CenterId(code), $"{name}综治中心", UnitKind.Center, code, [code]));
                    units.AddRange(CountyDepartments.Select(d => new UnitInfo(DepartmentId(code, d.Short), name + d.Suffix, UnitKind.Department, code, [code])));
                    break;
                case RegionLevel.Township:
                    units.Add(new UnitInfo(CenterId(code), $"{name}综治中心", UnitKind.Center, code, [code]));
                    units.AddRange(TownshipDepartments.Select(d => new UnitInfo(DepartmentId(code, d.Short), ShortName(name) + d.Suffix, UnitKind.Department, code, [code])));
                    break;
                case RegionLevel.Village:
                    units.Add(new UnitInfo(VillageId(code), name, UnitKind.Village, code, [code]));
                    break;
            }
        }

        return units;
    }

    /// <summary>城关镇 → 城关, 新华街道 → 新华 (how 派出所 and 司法所 are named).</summary>
    public static string ShortName(string townshipName)
    {
        ArgumentNullException.ThrowIfNull(townshipName);
        foreach (var suffix in (string[])["街道办事处", "街道", "苏木", "镇", "乡"])
        {
            if (townshipName.Length > suffix.Length + 1 && townshipName.EndsWith(suffix, StringComparison.Ordinal))
            {
                return townshipName[..^suffix.Length];
            }
        }

        return townshipName;
    }
}
