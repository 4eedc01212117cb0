using System.Text.RegularExpressions;
using Command.Grains.Regions;
using Command.Grains.Units;

namespace Command.Grains.Users;

/// <summary>
/// What an account must be, each problem in Chinese: the user name's pattern, the password's strength, and a scope that
/// fits the role (a township center is a township's, a department has its unit, a grid worker is a worker of a grid…).
/// The unit and scope are derived from the role and the region or unit chosen, never taken on trust.
/// </summary>
public static partial class AccountRules
{
    public const int MinPassword = 8;
    public const int MaxPassword = 64;
    public const int MaxDisplayName = 64;

    /// <summary>What the admin chose: a role and, as the role needs, a region code, a unit id or a worker id.</summary>
    public sealed record Placement(UserRole Role, string? Region, string? Unit, long? WorkerId);

    [GeneratedRegex("^[a-z][a-z0-9._-]{2,63}$")]
    private static partial Regex UserNamePattern();

    /// <summary>The user name as stored (trimmed, lower case).</summary>
    public static string Normalize(string? userName) => (userName ?? string.Empty).Trim().ToLowerInvariant();

    public static string? CheckUserName(string userName) => UserNamePattern().IsMatch(userName)
        ? null
        : "用户名应为 3–64 位小写英文字母、数字或“.”“_”“-”，并以字母开头";

    public static string? CheckPassword(string? password, string userName)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPassword || password.Length > MaxPassword)
        {
            return $"密码长度应为 {MinPassword}–{MaxPassword} 位";
        }

        if (password.Any(char.IsControl) || password.Trim().Length != password.Length)
        {
            return "密码不能以空格开头或结尾，也不能包含控制字符";
        }

        if (!password.Any(char.IsAsciiLetter) || !password.Any(char.IsAsciiDigit))
        {
            return "密码应同时包含英文字母和数字";
        }

        if (userName.Length > 0 && password.Contains(userName, StringComparison.OrdinalIgnoreCase))
        {
            return "密码不能包含用户名";
        }

        return null;
    }

    public static string? CheckDisplayName(string? displayName) =>
        string.IsNullOrWhiteSpace(displayName) ? "请填写姓名或单位名称"
        : displayName.Trim().Length > MaxDisplayName ? $"姓名或单位名称不能超过 {MaxDisplayName} 个字"
        : displayName.Any(char.IsControl) ? "姓名或单位名称不能包含控制字符"
        : null;

    /// <summary>The profile a placement gives, or why it cannot be (in Chinese).</summary>
    public static (UserProfile? Profile, string? Problem) Place(string userName, string displayName, Placement placement, RegionDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(directory);
        var region = placement.Region?.Trim() ?? string.Empty;
        UserProfile Make(string unit, string scope, long? worker = null) => new(userName, displayName.Trim(), placement.Role, unit, scope, worker);

        switch (placement.Role)
        {
            case UserRole.Admin:
                return region.Length == 0 ? (Make("admin", string.Empty), null) : (null, "管理员不按地区划分管辖范围，地区应留空");

            case UserRole.DutyOfficer or UserRole.Leader:
                return AtLevel(region, RegionLevel.County, directory) is { } county && directory.FindUnit(UnitPlan.CenterId(county.Code)) is { } countyCenter
                    ? (Make(countyCenter.Id, county.Code), null)
                    : (null, $"{placement.Role.ToChinese()}须选择一个县(区)");

            case UserRole.TownshipCenter:
                return AtLevel(region, RegionLevel.Township, directory) is { } township && directory.FindUnit(UnitPlan.CenterId(township.Code)) is { } center
                    ? (Make(center.Id, township.Code), null)
                    : (null, "乡镇综治中心须选择一个乡镇(街道)");

            case UserRole.Village:
                return AtLevel(region, RegionLevel.Village, directory) is { } village && directory.FindUnit(UnitPlan.VillageId(village.Code)) is { } unit
                    ? (Make(unit.Id, village.Code), null)
                    : (null, "村(社区)账号须选择一个村(社区)");

            case UserRole.Department:
                if (directory.FindUnit(placement.Unit?.Trim() ?? string.Empty) is not { Kind: UnitKind.Department } department)
                {
                    return (null, "职能部门账号须选择一个职能部门");
                }

                return region.Length == 0 || region == department.RegionCode
                    ? (Make(department.Id, department.RegionCode), null)
                    : (null, $"所选地区与职能部门「{department.Name}」的辖区不一致");

            case UserRole.GridWorker:
                if (AtLevel(region, RegionLevel.Grid, directory) is not { } grid)
                {
                    return (null, "网格员账号须选择一个网格");
                }

                if (placement.WorkerId is not { } id || directory.FindWorker(id) is not { } worker)
                {
                    return (null, "网格员账号须选择该网格的一名网格员");
                }

                return worker.GridCode == grid.Code
                    ? (Make(UnitPlan.VillageId(RegionCode.AncestorAt(grid.Code, RegionLevel.Village)), grid.Code, worker.Id), null)
                    : (null, $"网格员「{worker.Name}」不属于所选网格");

            default:
                return (null, "未知的角色");
        }
    }

    private static RegionInfo? AtLevel(string code, RegionLevel level, RegionDirectory directory) =>
        RegionCode.LevelOf(code) == level ? directory.FindRegion(code) : null;

    /// <summary>Reads a role by its name (TownshipCenter, township_center or township-center, any case).</summary>
    public static UserRole? ParseRole(string? text)
    {
        var name = (text ?? string.Empty).Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        return name.Length > 0 && !name.All(char.IsAsciiDigit) && Enum.TryParse<UserRole>(name, ignoreCase: true, out var role) && Enum.IsDefined(role) ? role : null;
    }
}
