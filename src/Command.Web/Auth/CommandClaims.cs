using System.Globalization;
using System.Security.Claims;
using Command.Grains.Regions;
using Command.Grains.Users;

namespace Command.Web.Auth;

/// <summary>The claims a signed-in user carries, and what they allow.</summary>
public static class CommandClaims
{
    public const string Scope = "command:scope";
    public const string Unit = "command:unit";
    public const string Worker = "command:worker";
    public const string DisplayName = "command:display";

    /// <summary>The account's session stamp when the token or cookie was issued (absent: 0, as before accounts had one).</summary>
    public const string Stamp = "command:stamp";

    /// <summary>The principal of a successful sign-in, with the account's session stamp.</summary>
    public static ClaimsPrincipal Principal(SignInResult signIn, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        var principal = Principal(signIn.Profile ?? throw new ArgumentException("The sign-in did not succeed.", nameof(signIn)), authenticationType);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(Stamp, signIn.Stamp.ToString(CultureInfo.InvariantCulture)));
        return principal;
    }

    public static ClaimsPrincipal Principal(UserProfile profile, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, profile.UserName),
            new(ClaimTypes.Role, profile.Role.ToString()),
            new(Scope, profile.Scope),
            new(Unit, profile.UnitId),
            new(DisplayName, profile.DisplayName),
        };
        if (profile.WorkerId is { } worker)
        {
            claims.Add(new Claim(Worker, worker.ToString(CultureInfo.InvariantCulture)));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    public static string UserName(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    /// <summary>The region code prefix the user may see; empty for nobody.</summary>
    public static string ScopeCode(this ClaimsPrincipal user) => user.FindFirstValue(Scope) ?? "\0";

    public static UserRole Role(this ClaimsPrincipal user) =>
        Enum.TryParse<UserRole>(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : UserRole.GridWorker;

    public static long? WorkerId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(Worker), CultureInfo.InvariantCulture, out var id) ? id : null;

    public static int SessionStamp(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(Stamp), CultureInfo.InvariantCulture, out var stamp) ? stamp : 0;

    /// <summary>Who the signed-in user is, as the grains take an actor.</summary>
    public static UserProfile Profile(this ClaimsPrincipal user) => new(
        user.UserName(), user.FindFirstValue(DisplayName) ?? user.UserName(), user.Role(), user.FindFirstValue(Unit) ?? string.Empty, user.ScopeCode(), user.WorkerId());

    /// <summary>True when the region, grid or anything inside it is within the user's scope.</summary>
    public static bool CanSee(this ClaimsPrincipal user, string regionCode) => RegionCode.IsWithin(regionCode, user.ScopeCode());
}
