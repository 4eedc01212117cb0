using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Grains.Users;

/// <summary>
/// A user account, keyed by the lower-case user name: the one owner of the account in the cluster. Counts failed sign-ins
/// and locks out; the admin changes it here. Every change bumps the session stamp that tokens and cookies carry, so a
/// session issued before a lock, a password reset or a new role stops working at once.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the account unless it exists; false if it did.</summary>
    Task<bool> CreateAsync(UserProfile profile, string passwordHash, string actor);

    Task<SignInResult> SignInAsync(string password);

    /// <summary>Puts an account created before the <c>users</c> table in it (creation does it for a new one).</summary>
    Task EnsureListedAsync();

    [ReadOnly]
    Task<UserProfile?> GetAsync();

    /// <summary>The account as the admin sees it; null if there is none.</summary>
    [ReadOnly]
    Task<UserAccount?> GetAccountAsync();

    /// <summary>
    /// True while the account exists, is not locked by the admin, and <paramref name="stamp"/> is its current session stamp.
    /// Asked on every signed-in request, so it does not queue behind a sign-in or a change awaiting storage.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> IsSessionValidAsync(int stamp);

    /// <summary>Replaces display name, role, unit, scope and worker (the user name stays); null if there is no account.</summary>
    Task<UserAccount?> ChangeProfileAsync(UserProfile profile, string actor);

    /// <summary>Sets a new password and lifts a lock-out by failed sign-ins; null if there is no account.</summary>
    Task<UserAccount?> ResetPasswordAsync(string passwordHash, string actor);

    /// <summary>Locks (停用) or unlocks the account; unlocking also lifts a lock-out by failed sign-ins. Null if there is no account.</summary>
    Task<UserAccount?> SetLockedAsync(bool locked, string actor);
}

public enum SignInStatus
{
    Succeeded,
    Failed,
    LockedOut,

    /// <summary>The admin locked the account (停用).</summary>
    Disabled,
}

/// <summary>The answer to a sign-in; <paramref name="Stamp"/> is the session stamp a token or cookie must carry.</summary>
[GenerateSerializer, Immutable]
public sealed record SignInResult(SignInStatus Status, UserProfile? Profile = null, DateTimeOffset? LockedUntil = null, int Stamp = 0);
