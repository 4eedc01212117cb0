using Orleans;

namespace Command.Grains.Users;

/// <summary>
/// An account as the admin sees it: the profile, whether the admin locked it (停用) or failed sign-ins did (until when),
/// and who created and last changed it. Never the password hash.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UserAccount(
    UserProfile Profile,
    bool Locked,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    string UpdatedBy);

/// <summary>A page of accounts, by user name.</summary>
public sealed record UserPage(int Total, int Page, int PageSize, IReadOnlyList<UserAccount> Items);
