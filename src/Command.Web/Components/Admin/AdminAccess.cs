using System.Security.Claims;
using Command.Grains.Users;
using Command.Web.Auth;
using Microsoft.AspNetCore.Components.Authorization;
using Orleans;

namespace Command.Web.Components.Admin;

/// <summary>
/// The admin pages run in a circuit that outlives the request that opened it: before each change they ask again, through the
/// account's grain, that the user is still an admin whose session is good (not locked, not demoted since).
/// </summary>
public sealed class AdminAccess(AuthenticationStateProvider authentication, IGrainFactory grains)
{
    /// <summary>The acting admin, or null when the session no longer allows admin work.</summary>
    public async Task<ClaimsPrincipal?> CurrentAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (user.Identity?.IsAuthenticated != true || user.Role() != UserRole.Admin)
        {
            return null;
        }

        return await grains.GetGrain<IUserGrain>(user.UserName()).IsSessionValidAsync(user.SessionStamp()) ? user : null;
    }

    public const string SessionEnded = "登录已失效或已无管理员权限，请重新登录";
}
