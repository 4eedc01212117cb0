using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Grains.Users;

/// <summary>A user account, keyed by the lower-case user name. Counts failed sign-ins and locks out.</summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the account unless it exists; false if it did.</summary>
    Task<bool> CreateAsync(UserProfile profile, string passwordHash, string actor);

    Task<SignInResult> SignInAsync(string password);

    [ReadOnly]
    Task<UserProfile?> GetAsync();
}

public enum SignInStatus
{
    Succeeded,
    Failed,
    LockedOut,
}

[GenerateSerializer, Immutable]
public sealed record SignInResult(SignInStatus Status, UserProfile? Profile = null, DateTimeOffset? LockedUntil = null);
