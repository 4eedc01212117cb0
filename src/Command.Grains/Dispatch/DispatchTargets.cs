using System.Globalization;
using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Grains.Units;

namespace Command.Grains.Dispatch;

/// <summary>
/// Dispatch targets ("level:role", as rules name them) and handlers (a unit id or "worker-{id}", as cases hold them).
/// Roles: grid:worker (the grid's full-time 网格员); village:mediation (the village or community: 村(社区)调解);
/// township:center | police | justice (乡镇综治中心, 派出所, 司法所); county:center | police | justice | court | hrss |
/// petition | land (县综治中心, 公安局, 司法局, 人民法院, 人社局, 信访局, 自然资源局).
/// </summary>
public static class DispatchTargets
{
    private static readonly Dictionary<string, (RegionLevel Level, string[] Roles)> Levels = new(StringComparer.Ordinal)
    {
        ["grid"] = (RegionLevel.Grid, ["worker"]),
        ["village"] = (RegionLevel.Village, ["mediation"]),
        ["township"] = (RegionLevel.Township, ["center", .. UnitPlan.TownshipDepartments.Select(d => d.Short)]),
        ["county"] = (RegionLevel.County, ["center", .. UnitPlan.CountyDepartments.Select(d => d.Short)]),
    };

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["grid:worker"] = "网格员",
        ["village:mediation"] = "村(社区)调解",
        ["township:center"] = "乡镇(街道)综治中心",
        ["township:police"] = "派出所",
        ["township:justice"] = "司法所",
        ["county:center"] = "县综治中心",
        ["county:police"] = "县公安局",
        ["county:justice"] = "县司法局",
        ["county:court"] = "县人民法院",
        ["county:hrss"] = "县人社局",
        ["county:petition"] = "县信访局",
        ["county:land"] = "县自然资源局",
    };

    /// <summary>Every valid target with what users read for it, from the grid up to the county.</summary>
    public static IReadOnlyCollection<KeyValuePair<string, string>> All => Names;

    /// <summary>Null when <paramref name="target"/> is a valid "level:role"; otherwise what is wrong with it, in Chinese.</summary>
    public static string? Check(string? target)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            return "为空：应为\"级别:角色\"，如 township:police";
        }

        var parts = target.Split(':');
        if (parts.Length != 2)
        {
            return $"\"{target}\" 格式错误：应为\"级别:角色\"，如 township:police";
        }

        if (!Levels.TryGetValue(parts[0], out var level))
        {
            return $"\"{target}\" 的级别 \"{parts[0]}\" 未知：应为 grid、village、township 或 county";
        }

        return level.Roles.Contains(parts[1], StringComparer.Ordinal)
            ? null
            : $"\"{target}\" 的角色 \"{parts[1]}\" 未知：{CaseNames.LevelName(level.Level)}级可用 {string.Join("、", level.Roles)}";
    }

    /// <summary>What users read for a target (派出所, 县人社局, …); the target itself when it is not valid.</summary>
    public static string DisplayName(string target) => Names.GetValueOrDefault(target ?? string.Empty) ?? target ?? string.Empty;

    /// <summary>
    /// The handler a target names for a case at <paramref name="location"/>. When the location lacks the level the
    /// target needs (a village target for a case known only to its township), or that unit does not exist, it falls
    /// back upward to the nearest center: the township center when the target is at township level or below and the
    /// township is known, else the county center. Null only when not even the county center exists, or the target is invalid.
    /// </summary>
    public static Assignee? Resolve(string target, CaseLocation location, RegionDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(directory);
        if (Check(target) is not null)
        {
            return null;
        }

        if (ResolveExact(target, location, directory) is { } exact)
        {
            return exact;
        }

        var level = Levels[target[..target.IndexOf(':', StringComparison.Ordinal)]].Level;
        return (level >= RegionLevel.Township && location.TownshipCode is { } township ? Describe(UnitPlan.CenterId(township), directory) : null)
            ?? Describe(UnitPlan.CenterId(location.CountyCode), directory);
    }

    /// <summary>The handler a valid target names at the location, with no fallback; null when the location lacks the level or the unit does not exist.</summary>
    internal static Assignee? ResolveExact(string target, CaseLocation location, RegionDirectory directory)
    {
        var id = target switch
        {
            "grid:worker" => location.GridCode is { } grid && directory.WorkersOfGrid(grid).FirstOrDefault(w => w.FullTime) is { } worker
                ? Assignee.WorkerKey(worker.Id)
                : null,
            "village:mediation" => location.VillageCode is { } village ? UnitPlan.VillageId(village) : null,
            "township:center" => location.TownshipCode is { } township ? UnitPlan.CenterId(township) : null,
            "county:center" => UnitPlan.CenterId(location.CountyCode),
            _ when target.StartsWith("township:", StringComparison.Ordinal) =>
                location.TownshipCode is { } township ? UnitPlan.DepartmentId(township, target["township:".Length..]) : null,
            _ => UnitPlan.DepartmentId(location.CountyCode, target["county:".Length..]),
        };
        return id is null ? null : Describe(id, directory);
    }

    /// <summary>
    /// A handler by id, as a case holds it (a unit id, or "worker-{id}"), with its name and level: a center at its
    /// region's level (county or township), a village unit at village level, a department at its region's level, a grid
    /// worker at grid level. Null when no such unit or worker exists.
    /// </summary>
    public static Assignee? Describe(string id, RegionDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(directory);
        if (id.StartsWith(Assignee.WorkerPrefix, StringComparison.Ordinal))
        {
            return long.TryParse(id.AsSpan(Assignee.WorkerPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var workerId)
                && directory.FindWorker(workerId) is { } worker
                ? new Assignee(id, worker.Name, RegionLevel.Grid)
                : null;
        }

        return directory.FindUnit(id) is { } unit && RegionCode.LevelOf(unit.RegionCode) is { } level
            ? new Assignee(unit.Id, unit.Name, unit.Kind == UnitKind.Village ? RegionLevel.Village : level)
            : null;
    }

    /// <summary>
    /// The center that dispatches work to a handler and verifies its result: the township center for a village, a grid
    /// worker or a township department; the county center for a township center or a county unit.
    /// </summary>
    internal static string DispatcherOf(Assignee to, RegionDirectory directory)
    {
        var region = to.IsWorker
            ? directory.FindWorker(long.Parse(to.Id.AsSpan(Assignee.WorkerPrefix.Length), CultureInfo.InvariantCulture))!.GridCode
            : directory.FindUnit(to.Id)!.RegionCode;
        var townshipCenter = to.Level is RegionLevel.Grid or RegionLevel.Village
            || (to.Level == RegionLevel.Township && !to.Id.Equals(UnitPlan.CenterId(region), StringComparison.Ordinal));
        return UnitPlan.CenterId(RegionCode.AncestorAt(region, townshipCenter ? RegionLevel.Township : RegionLevel.County));
    }
}
