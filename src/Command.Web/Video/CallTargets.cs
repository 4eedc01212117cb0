using System.Security.Claims;
using Command.Grains.Regions;
using Command.Grains.Units;
using Command.Grains.Users;
using Command.Web.Api;
using Command.Web.Auth;
using Command.Web.Live;

namespace Command.Web.Video;

/// <summary>
/// Who may call whom. Leaders and duty officers call any grid worker, township center or village of their county; a
/// township center only its own villages and grid workers; a village only its own grid workers. Grid workers, departments
/// and the admin start no calls (workers and centers answer). A target outside the caller's scope answers exactly like
/// one that does not exist.
/// </summary>
internal sealed class CallTargets(RegionDirectory directory)
{
    public const int MaxKey = 64;
    public const string NotFound = "呼叫对象不存在";

    /// <summary>Someone who can be called: their party key (whose devices ring), name and region.</summary>
    public sealed record Target(string Party, string Name, string Region);

    public static bool MayCall(UserRole role) => role is UserRole.Leader or UserRole.DutyOfficer or UserRole.TownshipCenter or UserRole.Village;

    /// <summary>Whether a worker or unit id names someone who can be called at all (a grid worker, a center, a village).</summary>
    public static bool IsCallable(string id) =>
        id.StartsWith(Grains.Dispatch.Assignee.WorkerPrefix, StringComparison.Ordinal) || UnitPlan.IsCenter(id) || id.StartsWith("village-", StringComparison.Ordinal);

    /// <summary>The party a signed-in user answers for: worker-{id} for a grid worker, the unit for a desk; null for the admin.</summary>
    public static string? PartyOf(ClaimsPrincipal user) => InboxSnapshots.UnitOf(user);

    /// <summary>The target, or the typed refusal (and nothing rings).</summary>
    public (Target? Target, CallResult? Refusal) Resolve(ClaimsPrincipal user, CallRequest? request)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!MayCall(user.Role()))
        {
            return (null, CallResult.Fail("forbidden", "只有领导、值班员、乡镇综治中心和村(社区)可以发起视频通话"));
        }

        if (request is null || string.IsNullOrEmpty(request.Target) || !TextRules.IsLine(request.Target, MaxKey)
            || !TextRules.IsLine(request.CaseCode, MaxKey) || !TextRules.IsLine(request.OrderId, MaxKey))
        {
            return (null, CallResult.Fail("invalid", "呼叫对象、案件编号或指令编号格式错误"));
        }

        if (!directory.IsLoaded)
        {
            return (null, CallResult.Fail("unavailable", "系统正在启动，请稍后再试"));
        }

        var target = Find(request.Target);
        if (target is null || !user.CanSee(target.Region))
        {
            return (null, CallResult.Fail("not_found", NotFound));
        }

        return target.Party == PartyOf(user) ? (null, CallResult.Fail("invalid", "不能呼叫自己")) : (target, null);
    }

    private Target? Find(string key)
    {
        if (key.StartsWith(Grains.Dispatch.Assignee.WorkerPrefix, StringComparison.Ordinal))
        {
            return long.TryParse(key.AsSpan(Grains.Dispatch.Assignee.WorkerPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
                && directory.FindWorker(id) is { } worker
                ? new Target(key, $"{worker.Name}（网格员）", worker.GridCode)
                : null;
        }

        return directory.FindUnit(key) is { Kind: UnitKind.Center or UnitKind.Village } unit ? new Target(unit.Id, unit.Name, unit.RegionCode) : null;
    }
}
