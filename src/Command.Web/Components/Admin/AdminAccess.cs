using System.Security.Claims;
using Command.Grains.Users;
using Command.Web.Auth;

namespace Command.Web.Components.Admin;

/// <summary>
/// The admin pages run in a circuit that outlives the request that opened it: before each change they ask again, through the
/// account's grain, that the user is still an admin whose session is good (not locked, not demoted since).
/// </summary>
public sealed class AdminAccess(CircuitSession session)
{
    /// <summary>The acting admin, or null when the session no longer allows admin work.</summary>
    public async Task<ClaimsPrincipal?> CurrentAsync() =>
        await session.CurrentAsync() is { } user && user.Role() == UserRole.Admin ? user : null;

    public const string SessionEnded = "登录已失效或已无管理员权限，请重新登录";
}
