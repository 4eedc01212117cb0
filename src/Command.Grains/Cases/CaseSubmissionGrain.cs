using Command.Grains.Users;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Grains.Cases;

/// <summary>
/// One report sent with a client's idempotency key, keyed <c>{userName}/{key}</c>: however often a phone resends it (a lost
/// answer, an outbox replayed after a reconnect), it opens one case. Resends wait for the first, one at a time.
/// </summary>
public interface ICaseSubmissionGrain : IGrainWithStringKey
{
    Task<CaseSubmission> SubmitAsync(CaseIntake intake, UserProfile actor);
}

/// <summary>The case the key opened; <see cref="Replayed"/> when it was opened by an earlier request.</summary>
[GenerateSerializer, Immutable]
public sealed record CaseSubmission(CaseView Case, bool Replayed)
{
    /// <summary>The submission grain's key: the key is the user's own, so two users' keys never meet.</summary>
    public static string KeyOf(string userName, string key) => $"{userName}/{key}";
}

public sealed class CaseSubmissionState
{
    public string? Code { get; set; }
}

internal sealed class CaseSubmissionGrain([PersistentState("case-submission")] IPersistentState<CaseSubmissionState> state, CaseIntakeService intake)
    : Grain, ICaseSubmissionGrain
{
    public async Task<CaseSubmission> SubmitAsync(CaseIntake opening, UserProfile actor)
    {
        if (state.State.Code is { } code && await GrainFactory.GetGrain<ICaseGrain>(code).GetAsync() is { } earlier)
        {
            return new CaseSubmission(earlier, Replayed: true);
        }

        // A refused intake throws and records nothing: the same key may be sent again, corrected.
        var view = await intake.SubmitAsync(opening, actor);
        state.State.Code = view.Code;
        await state.WriteStateAsync();
        return new CaseSubmission(view, Replayed: false);
    }
}
