using Command.Grains.Regions;

namespace Command.Grains.Cases;

/// <summary>Wire names (snake/kebab-case, stored in the database and used by the API) and the Chinese users read.</summary>
public static class CaseNames
{
    public static string Wire(this CaseStatus status) => status switch
    {
        CaseStatus.Accepted => "accepted",
        CaseStatus.Dispatched => "dispatched",
        CaseStatus.InProgress => "in_progress",
        CaseStatus.Resolved => "resolved",
        CaseStatus.Closed => "closed",
        CaseStatus.Archived => "archived",
        _ => "rejected",
    };

    public static string ToChinese(this CaseStatus status) => status switch
    {
        CaseStatus.Accepted => "待分派",
        CaseStatus.Dispatched => "待签收",
        CaseStatus.InProgress => "处置中",
        CaseStatus.Resolved => "待验证",
        CaseStatus.Closed => "已办结",
        CaseStatus.Archived => "已归档",
        _ => "不予受理",
    };

    /// <summary>Open: not yet closed, archived or rejected (a result waiting for verification is still open).</summary>
    public static bool IsOpen(CaseStatus status) => status is CaseStatus.Accepted or CaseStatus.Dispatched or CaseStatus.InProgress or CaseStatus.Resolved;

    public static bool TryParseStatus(string? text, out CaseStatus status) => TryParseWire(text, Wire, out status);

    /// <summary>The value of <typeparamref name="T"/> whose wire name is <paramref name="text"/> (ignoring case).</summary>
    public static bool TryParseWire<T>(string? text, Func<T, string> wire, out T value, Func<T, bool>? allowed = null)
        where T : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(wire);
        foreach (var candidate in Enum.GetValues<T>())
        {
            if ((allowed is null || allowed(candidate)) && string.Equals(wire(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    public static string Wire(this CaseAction action) => action switch
    {
        CaseAction.ApproveExtension => "approve-extension",
        CaseAction.CancelSupervision => "cancel-supervision",
        _ => action.ToString().ToLowerInvariant(),
    };

    /// <summary>An action a person may ask for by name (not accept, which is intake, nor the deadline clock's).</summary>
    public static bool TryParseAction(string? text, out CaseAction action) =>
        TryParseWire(text, Wire, out action, a => a is not (CaseAction.Accept or CaseAction.Deadline));

    public static string ToChinese(this CaseAction action) => action switch
    {
        CaseAction.Accept => "受理",
        CaseAction.Reject => "不予受理",
        CaseAction.Dispatch => "分派",
        CaseAction.Sign => "签收",
        CaseAction.Progress => "办理进展",
        CaseAction.Consult => "商办",
        CaseAction.Extend => "申请延期",
        CaseAction.ApproveExtension => "审批延期",
        CaseAction.Escalate => "上报",
        CaseAction.Return => "回退",
        CaseAction.Supervise => "督办",
        CaseAction.CancelSupervision => "撤销督办",
        CaseAction.Resolve => "办结",
        CaseAction.Verify => "验证",
        CaseAction.Revisit => "回访",
        CaseAction.Archive => "归档",
        _ => "时限",
    };

    public static string Wire(this CaseChannel channel) => channel switch
    {
        CaseChannel.WalkIn => "walk_in",
        _ => channel.ToString().ToLowerInvariant(),
    };

    public static bool TryParseChannel(string? text, out CaseChannel channel) => TryParseWire(text, Wire, out channel);

    public static string ToChinese(this CaseChannel channel) => channel switch
    {
        CaseChannel.Grid => "网格员上报",
        CaseChannel.WalkIn => "群众来访",
        CaseChannel.Hotline => "12345热线",
        CaseChannel.Online => "线上",
        CaseChannel.Court => "诉调",
        CaseChannel.Police => "警调",
        _ => "访调",
    };

    public static string Wire(this Urgency urgency) => urgency.ToString().ToLowerInvariant();

    public static bool TryParseUrgency(string? text, out Urgency urgency) => TryParseWire(text, Wire, out urgency);

    public static string ToChinese(this Urgency urgency) => urgency switch
    {
        Urgency.Low => "低",
        Urgency.Medium => "中",
        _ => "高",
    };

    public static string ToChinese(this Supervision supervision) => supervision switch
    {
        Supervision.None => "无",
        Supervision.Normal => "普通督办",
        Supervision.Yellow => "黄牌督办",
        _ => "红牌督办",
    };

    public static string Wire(this CaseResult result) => result == CaseResult.Resolved ? "resolved" : "not_resolved";

    public static string ToChinese(this CaseResult result) => result == CaseResult.Resolved ? "化解成功" : "未化解";

    public static string Wire(this Satisfaction satisfaction) => satisfaction switch
    {
        Satisfaction.Satisfied => "satisfied",
        Satisfaction.Basic => "basic",
        _ => "unsatisfied",
    };

    public static string ToChinese(this Satisfaction satisfaction) => satisfaction switch
    {
        Satisfaction.Satisfied => "满意",
        Satisfaction.Basic => "基本满意",
        _ => "不满意",
    };

    /// <summary>The level a case is handled at, as users read it (grid, village, township, county).</summary>
    public static string LevelName(RegionLevel level) => level switch
    {
        RegionLevel.Grid => "网格",
        RegionLevel.Village => "村(社区)",
        RegionLevel.Township => "乡镇(街道)",
        RegionLevel.County => "县(区)",
        _ => "市",
    };
}
