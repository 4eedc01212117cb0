using System.Security.Claims;
using Command.Grains.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;
using Orleans;

namespace Command.Web.Auth;

/// <summary>
/// The signed-in user of an interactive page, asked again of the account's grain: a circuit lives as long as its tab, and
/// the lock, password reset or new role that ends the user's requests (<see cref="SessionCheck"/>) must end what the open
/// page may do too. Pages ask before every change they make.
/// </summary>
public sealed class CircuitSession(AuthenticationStateProvider authentication, IGrainFactory grains)
{
    public const string Ended = "登录已失效，请重新登录";

    /// <summary>The user, or null when the session no longer holds.</summary>
    public async Task<ClaimsPrincipal?> CurrentAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return user.Identity?.IsAuthenticated == true && await IsValidAsync(grains, user) ? user : null;
    }

    internal static Task<bool> IsValidAsync(IGrainFactory grains, ClaimsPrincipal user) =>
        grains.GetGrain<IUserGrain>(user.UserName()).IsSessionValidAsync(user.SessionStamp());
}

/// <summary>
/// Checks an open circuit's session every <see cref="Interval"/>: a locked or changed account's open pages turn signed-out
/// (pages that listen to the authentication state stop their live feeds) without waiting for the tab to close.
/// </summary>
internal sealed class SessionRevalidator(ILoggerFactory logs, IGrainFactory grains) : RevalidatingServerAuthenticationStateProvider(logs)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken) =>
        state.User.Identity?.IsAuthenticated != true || await CircuitSession.IsValidAsync(grains, state.User);
}
