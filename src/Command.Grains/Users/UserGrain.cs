using Command.Data;
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

    /// <summary>Locked by the admin (停用): no sign-in, no session, until unlocked.</summary>
    public bool Disabled { get; set; }

    /// <summary>The session stamp: tokens and cookies carry the one current when they were issued.</summary>
    public int Stamp { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }

    /// <summary>True once the account's row is in the <c>users</c> table (accounts older than the table are listed at their next creation call).</summary>
    public bool Listed { get; set; }
}

/// <summary>
/// One account. Sign-ins run one at a time per account, so failed attempts are counted exactly; the count and
/// a lock-out are durable (and audited) before the answer goes back. The admin's changes write the account's row in
/// <c>users</c> and the audit entry in one transaction, then the state: a change is never kept without its record.
/// </summary>
internal sealed class UserGrain(
    [PersistentState("user")] IPersistentState<UserState> state,
    ICredentialHasher hasher,
    Database database,
    AuditLog audit,
    IOptions<UserOptions> options,
    TimeProvider time) : Grain, IUserGrain
{
    // Verifying against a fixed hash when the account does not exist takes as long as a real check.
    private static string? decoy;

    public Task<bool> CreateAsync(UserProfile profile, string passwordHash, string actor) => OnFreshStateAsync(() => TryCreateAsync(profile, passwordHash, actor));

    public Task<SignInResult> SignInAsync(string password) => OnFreshStateAsync(() => TrySignInAsync(password));

    public Task<UserProfile?> GetAsync() => Task.FromResult(state.State.Profile);

    public Task<UserAccount?> GetAccountAsync() => Task.FromResult(Account(state.State));

    public Task<bool> IsSessionValidAsync(int stamp) =>
        Task.FromResult(state.State is { Profile: not null, Disabled: false } user && user.Stamp == stamp);

    public Task<UserAccount?> ChangeProfileAsync(UserProfile profile, string actor)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return ChangeAsync(actor, "change-user", user =>
        {
            var before = user.Profile!;
            user.Profile = profile with { UserName = before.UserName };
            return $"{before.Role}/{before.UnitId}/{before.Scope}/{before.WorkerId} → {profile.Role}/{profile.UnitId}/{profile.Scope}/{profile.WorkerId}; {profile.DisplayName}";
        });
    }

    public Task<UserAccount?> ResetPasswordAsync(string passwordHash, string actor)
    {
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        return ChangeAsync(actor, "reset-password", user =>
        {
            user.PasswordHash = passwordHash;
            user.FailedAttempts = 0;
            user.LockedUntil = null;
            return null;
        });
    }

    public Task<UserAccount?> SetLockedAsync(bool locked, string actor) => ChangeAsync(actor, locked ? "lock-user" : "unlock-user", user =>
    {
        user.Disabled = locked;
        if (!locked)
        {
            user.FailedAttempts = 0;
            user.LockedUntil = null;
        }

        return null;
    });

    /// <summary>
    /// Applies an admin's change to a copy of the state, bumps the session stamp, writes the row and the audit entry, then
    /// keeps the copy once the state is durable.
    /// </summary>
    private Task<UserAccount?> ChangeAsync(string actor, string action, Func<UserState, string?> change)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return OnFreshStateAsync(async () =>
        {
            if (state.State.Profile is null)
            {
                return null;
            }

            var next = Copy(state.State);
            var detail = change(next);
            next.Stamp++;
            next.UpdatedAt = time.GetUtcNow();
            next.UpdatedBy = actor;
            next.Listed = true;
            var account = Account(next)!;
            await database.WriteAsync(UserStore.Upsert(account), audit.Entry(actor, action, account.Profile.UserName, detail));
            var kept = state.State;
            state.State = next;
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                state.State = kept;
                throw;
            }

            return account;
        });
    }

    private static UserState Copy(UserState s) => new()
    {
        Profile = s.Profile, PasswordHash = s.PasswordHash, FailedAttempts = s.FailedAttempts, LockedUntil = s.LockedUntil, CreatedAt = s.CreatedAt,
        CreatedBy = s.CreatedBy, Disabled = s.Disabled, Stamp = s.Stamp, UpdatedAt = s.UpdatedAt, UpdatedBy = s.UpdatedBy, Listed = s.Listed,
    };

    private static UserAccount? Account(UserState s)
    {
        if (s.Profile is null)
        {
            return null;
        }

        var created = s.CreatedAt ?? DateTimeOffset.UnixEpoch;
        return new UserAccount(s.Profile, s.Disabled, s.LockedUntil, created, s.CreatedBy ?? "system", s.UpdatedAt ?? created, s.UpdatedBy ?? s.CreatedBy ?? "system");
    }

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

    public Task EnsureListedAsync() => OnFreshStateAsync(async () =>
    {
        await ListAsync();
        return true;
    });

    /// <summary>An account from before the users table is listed once, then remembered.</summary>
    private async Task ListAsync()
    {
        if (!state.State.Listed && Account(state.State) is { } older)
        {
            await database.WriteAsync(UserStore.InsertIfMissing(older));
            state.State.Listed = true;
            await state.WriteStateAsync();
        }
    }

    private async Task<bool> TryCreateAsync(UserProfile profile, string passwordHash, string actor)
    {
        if (state.State.Profile is not null)
        {
            await ListAsync();
            return false;
        }

        var now = time.GetUtcNow();
        var created = new UserState { Profile = profile, PasswordHash = passwordHash, CreatedAt = now, CreatedBy = actor, UpdatedAt = now, UpdatedBy = actor, Listed = true };
        await database.WriteAsync(UserStore.InsertIfMissing(Account(created)!), audit.Entry(actor, "create-user", profile.UserName, $"{profile.Role}/{profile.UnitId}/{profile.Scope}"));
        state.State = created;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = new UserState();
            throw;
        }

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

        if (user.Disabled)
        {
            // Only someone who knows the password learns that the account is locked.
            var known = hasher.Verify(user.PasswordHash, password);
            await audit.RecordAsync(user.Profile.UserName, "sign-in-refused-disabled", user.Profile.UserName);
            return new SignInResult(known ? SignInStatus.Disabled : SignInStatus.Failed);
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
            return new SignInResult(SignInStatus.Succeeded, user.Profile, Stamp: user.Stamp);
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
