using Command.Grains.Cases;

namespace Command.Grains.Dispatch;

/// <summary>
/// One row of the auto-dispatch table (自动派单规则): a case in <paramref name="Region"/> of <paramref name="Category"/>
/// with <paramref name="Urgency"/> goes to <paramref name="Target"/>, and each of <paramref name="Copies"/> gets a copy
/// (抄送). When several rules match, the most specific wins (see <see cref="DispatchRules.Match"/>).
/// </summary>
/// <param name="Id">Positive and unique; breaks ties between equally specific rules (lowest first).</param>
/// <param name="Name">What the case history records, in Chinese (e.g. 道路交通事故→派出所).</param>
/// <param name="Region">A region code prefix: the rule applies inside that region; empty for every region.</param>
/// <param name="Category">A category code ("01" … "99"); empty for every category.</param>
/// <param name="Urgency">The urgency it applies to; null for every urgency.</param>
/// <param name="Target">"level:role", e.g. "township:police" (see <see cref="DispatchTargets"/>).</param>
/// <param name="Copies">"level:role" of the units that get a copy.</param>
public sealed record DispatchRule(long Id, string Name, string Region, string Category, Urgency? Urgency, string Target, IReadOnlyList<string> Copies);

/// <summary>A rule table that cannot be saved; <see cref="Exception.Message"/> names each rule and what is wrong, in Chinese.</summary>
public sealed class DispatchRuleException : Exception
{
    public DispatchRuleException()
        : this([])
    {
    }

    public DispatchRuleException(string message)
        : this([message])
    {
    }

    public DispatchRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public DispatchRuleException(IReadOnlyList<string> errors)
        : base(string.Join("；", errors))
    {
        Errors = errors;
    }

    /// <summary>One entry per problem found, each naming its rule.</summary>
    public IReadOnlyList<string> Errors { get; }
}
