using Command.Grains.Users;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Grains.Cases;

/// <summary>One case (一案一码), keyed by its code. Every change is durable, history included, before the call returns.</summary>
public interface ICaseGrain : IGrainWithStringKey
{
    /// <summary>Registers a new case under this grain's code (and dispatches it when a rule matched).</summary>
    Task<CaseView> OpenAsync(CaseOpening opening);

    /// <summary>An action by a person; throws <see cref="CaseRefusedException"/> and changes nothing when not allowed.</summary>
    Task<CaseView> ActAsync(CaseCommand command, UserProfile actor);

    /// <summary>The case, or null when no case has this code.</summary>
    [ReadOnly]
    Task<CaseView?> GetAsync();

    /// <summary>The actions the actor may take now (the rules of <see cref="ActAsync"/>, tried on a copy); none when out of scope.</summary>
    [ReadOnly]
    Task<IReadOnlyList<CaseAction>> AllowedAsync(UserProfile actor);

    /// <summary>Acts on every deadline that has passed and re-arms for the next (what its reminder does; the sweep calls it).</summary>
    Task CatchUpAsync();
}
