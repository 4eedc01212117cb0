using System.Text.Json.Serialization;
using Command.Grains.Units;
using Orleans;
using Orleans.Concurrency;

namespace Command.Grains.Cases;

/// <summary>Which box of a unit's inbox (工作台) a case sits in: what that unit must do about it now.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InboxBox>))]
public enum InboxBox
{
    /// <summary>待签收: sent to the unit or worker, not yet signed for.</summary>
    Sign,

    /// <summary>待分派: waiting at the unit's own center to be dispatched.</summary>
    Dispatch,

    /// <summary>办理中: signed for and being handled.</summary>
    Handle,

    /// <summary>待核实: the dispatching unit verifies a result, or decides an extension request.</summary>
    Verify,

    /// <summary>待回访: closed; the unit that verified it revisits (and archives once the plan is done).</summary>
    Revisit,

    /// <summary>督办: a supervised case followed by the county center, which is not its handler.</summary>
    Supervise,
}

/// <summary>One unit's (or grid worker's) place for a case: its key as cases name handlers, and the box.</summary>
[GenerateSerializer, Immutable]
public readonly record struct InboxEntry(string Unit, InboxBox Box);

/// <summary>
/// Who must act on a case now, as inbox entries: the holder while it waits to be dispatched, the handler while it waits
/// to be signed for and while it is handled, the dispatching unit while a result (or an extension) waits for it and while
/// revisits are due, and the county center for every open supervised case it does not hold itself. The supervised
/// handler keeps its own box; the card's supervision marks it. One entry per unit.
/// </summary>
public static class CaseInbox
{
    public static IReadOnlyList<InboxEntry> Of(CaseState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var entries = new List<InboxEntry>(3);
        var current = s.Current;
        switch (s.Status)
        {
            case CaseStatus.Accepted:
                Add(entries, s.Holder, InboxBox.Dispatch);
                break;
            case CaseStatus.Dispatched when current is not null:
                Add(entries, current.To.Id, InboxBox.Sign);
                break;
            case CaseStatus.InProgress when current is not null:
                Add(entries, current.To.Id, InboxBox.Handle);
                if (s.PendingExtension is not null)
                {
                    Add(entries, current.DispatchedBy, InboxBox.Verify);
                }

                break;
            case CaseStatus.Resolved when current is not null:
                Add(entries, current.DispatchedBy, InboxBox.Verify);
                break;
            case CaseStatus.Closed when current is not null:
                Add(entries, current.DispatchedBy, InboxBox.Revisit);
                break;
        }

        if (s.Supervision != Supervision.None && s.IsOpen)
        {
            Add(entries, UnitPlan.CenterId(s.Location.CountyCode), InboxBox.Supervise);
        }

        return entries;
    }

    /// <summary>The units whose inbox held the case before and holds it no longer.</summary>
    public static IReadOnlyList<string> Left(IReadOnlyList<InboxEntry> before, IReadOnlyList<InboxEntry> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return [.. before.Where(b => after.All(a => a.Unit != b.Unit)).Select(b => b.Unit)];
    }

    public static string Wire(this InboxBox box) => box switch
    {
        InboxBox.Sign => "sign",
        InboxBox.Dispatch => "dispatch",
        InboxBox.Handle => "handle",
        InboxBox.Verify => "verify",
        InboxBox.Revisit => "revisit",
        _ => "supervise",
    };

    public static string ToChinese(this InboxBox box) => box switch
    {
        InboxBox.Sign => "待签收",
        InboxBox.Dispatch => "待分派",
        InboxBox.Handle => "办理中",
        InboxBox.Verify => "待核实",
        InboxBox.Revisit => "待回访",
        _ => "督办",
    };

    private static void Add(List<InboxEntry> entries, string unit, InboxBox box)
    {
        if (!string.IsNullOrEmpty(unit) && entries.All(e => e.Unit != unit))
        {
            entries.Add(new InboxEntry(unit, box));
        }
    }
}
