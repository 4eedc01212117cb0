using Command.Grains.Users;
using Microsoft.AspNetCore.Identity;

namespace Command.Web.Auth;

/// <summary>ASP.NET Core's password hasher (PBKDF2, salted, versioned) behind the domain's interface.</summary>
internal sealed class AspNetCredentialHasher : ICredentialHasher
{
    private static readonly object User = new();
    private readonly PasswordHasher<object> hasher = new();

    public string Hash(string password) => hasher.HashPassword(User, password);

    public bool Verify(string hash, string password) =>
        hasher.VerifyHashedPassword(User, hash, password) is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded;
}
