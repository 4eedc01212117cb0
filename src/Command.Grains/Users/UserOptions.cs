using System.ComponentModel.DataAnnotations;

namespace Command.Grains.Users;

/// <summary>Sign-in rules (section "Auth").</summary>
public sealed class UserOptions
{
    public const string Section = "Auth";

    /// <summary>Failed sign-ins in a row that lock the account.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an API token stays valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Production only: the admin's password, read at first start (when no admin exists yet).</summary>
    public string? AdminPassword { get; set; }
}
