using System.Security.Claims;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Web.Auth;

namespace Command.Web.Live;

/// <summary>Whether a user may put a region on the big screen; the page and the hub ask the same question.</summary>
public static class ScopeCheck
{
    /// <summary>Roles with a big screen: the centers, leaders and villages (departments and grid workers have none).</summary>
    public static bool HasScreen(UserRole role) =>
        role is UserRole.DutyOfficer or UserRole.Leader or UserRole.Admin or UserRole.TownshipCenter or UserRole.Village;

    /// <summary>Who may acknowledge warnings (WarningsApi answers 403 to anyone else).</summary>
    public static bool CanAcknowledge(UserRole role) => role is UserRole.DutyOfficer or UserRole.Leader or UserRole.TownshipCenter or UserRole.Village;

    /// <summary>The breadcrumb: from the highest region the user may see down to <paramref name="region"/>.</summary>
    public static List<ScopeView> PathTo(RegionInfo region, ClaimsPrincipal user, RegionDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(directory);
        var path = new List<ScopeView> { ScopeView.Of(region) };
        for (var r = region; r.ParentCode is { } p && user.CanSee(p) && directory.FindRegion(p) is { } parent; r = parent)
        {
            path.Insert(0, ScopeView.Of(parent));
        }

        return path;
    }

    /// <summary>Null when allowed; otherwise the typed refusal (and nothing changes).</summary>
    public static WatchResult? Refusal(ClaimsPrincipal user, string? scope, RegionDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(directory);
        if (!HasScreen(user.Role()))
        {
            return WatchResult.Fail("forbidden", "大屏仅供综治中心、领导和村(社区)使用");
        }

        if (RegionCode.LevelOf(scope) is not { } level || level == RegionLevel.Grid)
        {
            return WatchResult.Fail("invalid", "区划代码格式错误：应为 4、6、9 或 12 位数字");
        }

        // Outside the scope, whether a code exists is nobody's business: it answers as a code that does not exist.
        if (!user.CanSee(scope!))
        {
            return NotFound(scope!);
        }

        if (!directory.IsLoaded)
        {
            return WatchResult.Fail("unavailable", "系统正在启动，请稍后再试");
        }

        return directory.FindRegion(scope!) is null ? NotFound(scope!) : null;
    }

    private static WatchResult NotFound(string scope) => WatchResult.Fail("not_found", $"区划 {scope} 不存在");
}
