using Orleans;
using Orleans.Concurrency;
using Command.Grains.Regions;
using Command.Grains.Units;
using Microsoft.Extensions.Options;

namespace Command.Grains.Cases;

/// <summary>A case's deadlines now: sign-for (yellow, red, red card), handling (yellow lamp, due, red card), next revisit.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseDeadlines(
    DateTimeOffset? SignYellow = null,
    DateTimeOffset? SignRed = null,
    DateTimeOffset? SignRedCard = null,
    DateTimeOffset? HandleYellow = null,
    DateTimeOffset? HandleDue = null,
    DateTimeOffset? HandleRedCard = null,
    DateTimeOffset? RevisitDue = null)
{
    /// <summary>The earliest deadline after <paramref name="now"/>, if any: when the case must look at itself again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var due in (DateTimeOffset?[])[SignYellow, SignRed, SignRedCard, HandleYellow, HandleDue, HandleRedCard, RevisitDue])
        {
            if (due is { } d && d > now && (next is null || d < next))
            {
                next = d;
            }
        }

        return next;
    }
}

/// <summary>Computes deadlines from the case, the limits and the work calendar.</summary>
public sealed class CaseClock(IOptions<CaseOptions> options, WorkCalendar calendar)
{
    public CaseOptions Options => options.Value;

    public WorkCalendar Calendar => calendar;

    public CaseDeadlines Of(CaseState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var o = options.Value;
        var current = state.Current;
        switch (state.Status)
        {
            case CaseStatus.Dispatched when current is not null:
            {
                DateTimeOffset yellow, red;
                if (current.To.IsWorker)
                {
                    yellow = current.DispatchedAt + o.WorkerResponse;
                    red = current.DispatchedAt + o.WorkerResponseRed;
                }
                else
                {
                    yellow = calendar.Add(current.DispatchedAt, o.SignYellow);
                    red = calendar.Add(current.DispatchedAt, o.SignRed);
                }

                return new CaseDeadlines(yellow, red, calendar.Add(red, o.RedCardAfter));
            }

            case CaseStatus.InProgress when current?.SignedAt is { } signed:
            {
                var (yellowAfter, limit) = HandlingLimits(state, current);
                var due = calendar.Add(signed, limit);
                return new CaseDeadlines(HandleYellow: calendar.Add(signed, yellowAfter), HandleDue: due, HandleRedCard: calendar.Add(due, o.RedCardAfter));
            }

            case CaseStatus.Closed:
                return new CaseDeadlines(RevisitDue: state.Revisits.FirstOrDefault(r => r.DoneAt is null)?.Due);

            default:
                return new CaseDeadlines();
        }
    }

    /// <summary>When the lamp turns yellow and when the limit passes, both counted from signing, with approved extensions.</summary>
    private (TimeSpan YellowAfter, TimeSpan Limit) HandlingLimits(CaseState state, Assignment current)
    {
        var o = options.Value;
        if (IsDepartment(current))
        {
            return (o.DepartmentYellow + current.Extension, o.DepartmentRed + current.Extension);
        }

        var limit = (state.Intake.Hotline?.Limit ?? state.HandlingLimit ?? o.HandlingLimit(state.Intake.Category, state.Complexity)) + current.Extension;
        return (limit * o.EarlyWarningShare, limit);
    }

    private static bool IsDepartment(Assignment current) => UnitPlan.IsDepartment(current.To.Id);

    /// <summary>The revisit plan from the close: hotline cases get a callback, disputes weekly then monthly, others one.</summary>
    public List<Revisit> RevisitPlan(CaseState state, DateTimeOffset closedAt)
    {
        ArgumentNullException.ThrowIfNull(state);
        var o = options.Value;
        var plan = new List<Revisit>();
        if (state.Intake.Channel == CaseChannel.Hotline || CaseCategories.Find(state.Intake.Category) is not { Dispute: true })
        {
            plan.Add(new Revisit { Due = closedAt + o.Callback });
            return plan;
        }

        for (var i = 1; i <= o.WeeklyRevisits; i++)
        {
            plan.Add(new Revisit { Due = closedAt + (o.RevisitWeek * i) });
        }

        var last = plan.Count > 0 ? plan[^1].Due : closedAt;
        for (var i = 1; i <= o.MonthlyRevisits; i++)
        {
            plan.Add(new Revisit { Due = last + (o.RevisitMonth * i) });
        }

        return plan;
    }

    /// <summary>The level a case reaches when it is escalated from <paramref name="level"/>; null at the county.</summary>
    public static RegionLevel? LevelAbove(RegionLevel level) => level switch
    {
        RegionLevel.Grid => RegionLevel.Village,
        RegionLevel.Village => RegionLevel.Township,
        RegionLevel.Township => RegionLevel.County,
        _ => null,
    };
}
