using Command.Grains.Warnings;

namespace Command.Grains.Cases;

/// <summary>
/// The warnings a case should show now, derived from its state and deadlines, so a warning is raised when its cause
/// appears and cleared when the cause goes away (a signature, an approved extension, the close).
/// </summary>
public static class CaseWarnings
{
    public static Dictionary<WarningKind, WarningLevel> Due(CaseState state, CaseDeadlines deadlines, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(deadlines);
        var due = new Dictionary<WarningKind, WarningLevel>();
        if (state.Status == CaseStatus.Dispatched && deadlines.SignYellow <= now)
        {
            due[WarningKind.Unsigned] = deadlines.SignRed <= now ? WarningLevel.Red : WarningLevel.Yellow;
        }

        if (state.Status == CaseStatus.InProgress && deadlines.HandleYellow <= now)
        {
            due[WarningKind.Overdue] = deadlines.HandleDue <= now ? WarningLevel.Red : WarningLevel.Yellow;
        }

        if (state.IsOpen && state.Escalations > 0)
        {
            due[WarningKind.Escalated] = state.Current?.To.Level == Regions.RegionLevel.County ? WarningLevel.Red : WarningLevel.Yellow;
        }

        if (state.IsOpen && (state.Risk == RiskColor.Red || state.Intake.Urgency == Urgency.High))
        {
            due[WarningKind.RedRisk] = WarningLevel.Red;
        }

        if (state.Status == CaseStatus.Closed && deadlines.RevisitDue <= now)
        {
            due[WarningKind.RevisitDue] = WarningLevel.Yellow;
        }

        return due;
    }

    /// <summary>What users read on the warning list.</summary>
    public static string Message(CaseState state, WarningKind kind, WarningLevel level)
    {
        ArgumentNullException.ThrowIfNull(state);
        var who = state.Current?.To.Name ?? string.Empty;
        return kind switch
        {
            WarningKind.Unsigned => $"{who}超过签收时限未签收：{state.Intake.Title}",
            WarningKind.Overdue when level == WarningLevel.Red => $"{who}办理超期：{state.Intake.Title}",
            WarningKind.Overdue => $"{who}办理即将超期：{state.Intake.Title}",
            WarningKind.Escalated => $"案件已上报至{who}：{state.Intake.Title}",
            WarningKind.RedRisk => $"红色风险（紧急程度{state.Intake.Urgency.ToChinese()}）：{state.Intake.Title}",
            WarningKind.RevisitDue => $"待回访：{state.Intake.Title}",
            _ => state.Intake.Title,
        };
    }
}
