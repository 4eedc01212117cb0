using Command.Grains.Users;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Grains.Cases;

/// <summary>
/// One report sent with a client's idempotency key, keyed <c>{userName}/{key}</c>: however often a phone resends it (a lost
/// answer, an outbox replayed after a reconnect, a silo that died half-way), it opens one case. Resends wait for the first,
/// one at a time. A resend answers the case only to a caller who may still see it.
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
    /// <summary>The code given to this report, recorded before its case is opened (the case may not exist yet).</summary>
    public string? Code { get; set; }
}

internal sealed class CaseSubmissionGrain([PersistentState("case-submission")] IPersistentState<CaseSubmissionState> state, CaseIntakeService intake)
    : Grain, ICaseSubmissionGrain
{
    public async Task<CaseSubmission> SubmitAsync(CaseIntake opening, UserProfile actor)
    {
        if (state.State.Code is { } code && await GrainFactory.GetGrain<ICaseGrain>(code).GetAsync() is { } earlier)
        {
            // The same account name may stand for another person or scope by now: the case goes only to one who may see it.
            return earlier.VisibleTo(actor)
                ? new CaseSubmission(earlier, Replayed: true)
                : throw new CaseRefusedException(string.Empty, null, CaseAction.Accept, RefusalKind.State, "该 Idempotency-Key 已用于另一次上报，请换一个键后重新提交");
        }

        // The code is made durable with the key before the case is opened: a retry after a crash in between opens the case
        // under that same code instead of a second one. A refused intake throws and records nothing, so the same key may
        // be sent again, corrected.
        var (planned, plan) = await intake.PrepareAsync(opening, actor, state.State.Code);
        if (state.State.Code is null)
        {
            state.State.Code = planned;
            await state.WriteStateAsync();
        }

        var grain = GrainFactory.GetGrain<ICaseGrain>(planned);
        try
        {
            return new CaseSubmission(await grain.OpenAsync(plan), Replayed: false);
        }
        catch (CaseRefusedException)
        {
            // The case grain refused and opened nothing: the key is free again.
            if (await grain.GetAsync() is null)
            {
                await state.ClearStateAsync();
            }

            throw;
        }
    }
}
