using Command.Grains.Audit;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Storage;
using Microsoft.Extensions.Options;

namespace Command.Grains.Users;

public sealed class UserState
{
    public UserProfile? Profile { get; set; }

    public string? PasswordHash { get; set; }

    public int FailedAttempts { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public string? CreatedBy { get; set; }
}

/// <summary>
/// One account. Sign-ins run one at a time per account, so failed attempts are counted exactly; the count and
/// a lock-out are durable (and audited) before the answer goes back.
/// </summary>
internal sealed class UserGrain(
    [PersistentState("user")] IPersistentState<UserState> state,
    ICredentialHasher hasher,
    AuditLog audit,
    IOptions<UserOptions> options,
    TimeProvider time) : Grain, IUserGrain
{
    // Verifying against a fixed hash when the account does not exist takes as long as a real check.
    private static string? decoy;

    public Task<bool> CreateAsync(UserProfile profile, string passwordHash, string actor) => OnFreshStateAsync(() => TryCreateAsync(profile, passwordHash, actor));

    public Task<SignInResult> SignInAsync(string password) => OnFreshStateAsync(() => TrySignInAsync(password));

    public Task<UserProfile?> GetAsync() => Task.FromResult(state.State.Profile);

    /// <summary>
    /// Another copy of this account (two activations while the membership changes, or two silos seeding the demo accounts at
    /// once) wrote first: read what is stored and decide again, so a sign-in is counted on the stored count and a second
    /// creation finds the account there.
    /// </summary>
    private async Task<T> OnFreshStateAsync<T>(Func<Task<T>> act)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await act();
            }
            catch (InconsistentStateException) when (attempt < 3)
            {
                await state.ReadStateAsync();
            }
        }
    }

    private async Task<bool> TryCreateAsync(UserProfile profile, string passwordHash, string actor)
    {
        if (state.State.Profile is not null)
        {
            return false;
        }

        state.State = new UserState { Profile = profile, PasswordHash = passwordHash, CreatedAt = time.GetUtcNow(), CreatedBy = actor };
        await state.WriteStateAsync();
        return true;
    }

    private async Task<SignInResult> TrySignInAsync(string password)
    {
        var user = state.State;
        if (user.Profile is null || user.PasswordHash is null)
        {
            hasher.Verify(decoy ??= hasher.Hash(Guid.NewGuid().ToString()), password);
            return new SignInResult(SignInStatus.Failed);
        }

        var now = time.GetUtcNow();
        if (user.LockedUntil is { } until && until > now)
        {
            await audit.RecordAsync(user.Profile.UserName, "sign-in-refused-locked", user.Profile.UserName);
            return new SignInResult(SignInStatus.LockedOut, LockedUntil: until);
        }

        if (hasher.Verify(user.PasswordHash, password))
        {
            if (user.FailedAttempts != 0 || user.LockedUntil is not null)
            {
                user.FailedAttempts = 0;
                user.LockedUntil = null;
                await state.WriteStateAsync();
            }

            await audit.RecordAsync(user.Profile.UserName, "sign-in", user.Profile.UserName);
            return new SignInResult(SignInStatus.Succeeded, user.Profile);
        }

        user.FailedAttempts++;
        var rules = options.Value;
        if (user.FailedAttempts >= rules.MaxFailedAttempts)
        {
            user.FailedAttempts = 0;
            user.LockedUntil = now + rules.LockoutDuration;
            await state.WriteStateAsync();
            await audit.RecordAsync(user.Profile.UserName, "locked-out", user.Profile.UserName, $"{rules.MaxFailedAttempts} failed sign-ins");
            return new SignInResult(SignInStatus.LockedOut, LockedUntil: user.LockedUntil);
        }

        await state.WriteStateAsync();
        await audit.RecordAsync(user.Profile.UserName, "sign-in-failed", user.Profile.UserName);
        return new SignInResult(SignInStatus.Failed);
    }
}
