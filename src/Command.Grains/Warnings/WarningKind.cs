namespace Command.Grains.Warnings;

/// <summary>What a warning (预警) is about. Stored by its wire name.</summary>
public enum WarningKind
{
    /// <summary>未签收: a dispatched case not signed for within its limit.</summary>
    Unsigned,

    /// <summary>超期: handling past 70 % of its limit (yellow) or past it (red).</summary>
    Overdue,

    /// <summary>已上报: a case escalated to a higher level.</summary>
    Escalated,

    /// <summary>红色风险: a red-risk or high-urgency case.</summary>
    RedRisk,

    /// <summary>热点: several cases in one grid within a short time.</summary>
    HotSpot,

    /// <summary>网格员离线: a grid worker offline during working hours.</summary>
    WorkerOffline,

    /// <summary>待回访: a planned revisit is due.</summary>
    RevisitDue,

    /// <summary>一键报警: a grid worker in danger pressed SOS on the phone (or their tracker sent alarm=sos).</summary>
    Sos,

    /// <summary>指令未签收: a receiver of a dispatch order (调度指令) not signed for within the order's limit.</summary>
    OrderUnsigned,

    /// <summary>指令未反馈: a receiver that signed for a dispatch order but did not report back within the order's limit.</summary>
    OrderUnreported,
}

public enum WarningLevel
{
    Yellow = 1,
    Red = 2,
}

public static class WarningNames
{
    public static string Wire(this WarningKind kind) => kind switch
    {
        WarningKind.Unsigned => "unsigned",
        WarningKind.Overdue => "overdue",
        WarningKind.Escalated => "escalated",
        WarningKind.RedRisk => "red_risk",
        WarningKind.HotSpot => "hot_spot",
        WarningKind.WorkerOffline => "worker_offline",
        WarningKind.Sos => "sos",
        WarningKind.OrderUnsigned => "order_unsigned",
        WarningKind.OrderUnreported => "order_unreported",
        _ => "revisit_due",
    };

    public static bool TryParse(string? text, out WarningKind kind) => Cases.CaseNames.TryParseWire(text, Wire, out kind);

    public static string ToChinese(this WarningKind kind) => kind switch
    {
        WarningKind.Unsigned => "未签收",
        WarningKind.Overdue => "超期",
        WarningKind.Escalated => "已上报",
        WarningKind.RedRisk => "红色风险",
        WarningKind.HotSpot => "热点",
        WarningKind.WorkerOffline => "网格员离线",
        WarningKind.Sos => "一键报警",
        WarningKind.OrderUnsigned => "指令未签收",
        WarningKind.OrderUnreported => "指令未反馈",
        _ => "待回访",
    };

    public static string ToChinese(this WarningLevel level) => level == WarningLevel.Red ? "红色" : "黄色";
}
