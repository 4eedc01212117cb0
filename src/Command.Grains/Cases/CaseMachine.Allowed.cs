using Command.Grains.Users;

namespace Command.Grains.Cases;

public sealed partial class CaseMachine
{
    /// <summary>
    /// One probe per action a person can take, with input that satisfies its own checks where the case itself decides
    /// (a reason, a result, the highest supervision level). Targets and invited units are left out: they are chosen later.
    /// </summary>
    private static readonly CaseCommand[] Probes =
    [
        new(CaseAction.Sign),
        new(CaseAction.Dispatch),
        new(CaseAction.Progress, "-"),
        new(CaseAction.Consult, "-"),
        new(CaseAction.Extend, "-", Extension: TimeSpan.FromDays(1)),
        new(CaseAction.ApproveExtension, Approve: true),
        new(CaseAction.Escalate, "-"),
        new(CaseAction.Return, "-"),
        new(CaseAction.Supervise, Level: Supervision.Red),
        new(CaseAction.CancelSupervision, "-"),
        new(CaseAction.Resolve, "-", Result: CaseResult.Resolved),
        new(CaseAction.Verify, Pass: true),
        new(CaseAction.Revisit, Satisfaction: Satisfaction.Satisfied),
        new(CaseAction.Archive),
        new(CaseAction.Reject, "-"),
    ];

    /// <summary>
    /// The actions <paramref name="actor"/> may take on the case now, decided by the very rules that decide the action
    /// (each is tried on a fresh copy from <paramref name="copy"/>): refused for the case's state or the actor's role and
    /// scope means no; refused only for input that the probe does not carry (a target, units) means yes.
    /// </summary>
    public List<CaseAction> Allowed(Func<CaseState> copy, UserProfile actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(actor);
        var allowed = new List<CaseAction>();
        foreach (var probe in Probes)
        {
            var state = copy();
            if (state.Status == CaseStatus.Archived)
            {
                break;
            }

            try
            {
                Apply(state, probe, actor, now);
                allowed.Add(probe.Action);
            }
            catch (CaseRefusedException e) when (e.Kind == RefusalKind.Invalid)
            {
                allowed.Add(probe.Action);
            }
            catch (CaseRefusedException)
            {
                // Not for this actor, or not in this state.
            }
        }

        return allowed;
    }
}
