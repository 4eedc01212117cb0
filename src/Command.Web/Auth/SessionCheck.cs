using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace Command.Web.Auth;

/// <summary>
/// Every authenticated request asks the account's grain (its one owner in the cluster) whether the session is still
/// good: the account exists, the admin has not locked it, and the token's or cookie's stamp is the current one (a lock, a
/// password reset or a new role bumps it). Otherwise the request goes on as anonymous (401, or the sign-in page) and a
/// browser's cookie is dropped. A SignalR connection is checked when it opens. Endpoints that need no sign-in (static files,
/// the sign-in page, trackers) are not asked about.
/// </summary>
internal static class SessionCheck
{
    public static async Task Check(HttpContext context, RequestDelegate next)
    {
        var user = context.User;
        var endpoint = context.GetEndpoint();
        var needsSignIn = endpoint?.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
        if (needsSignIn && user.Identity?.IsAuthenticated == true)
        {
            var grains = context.RequestServices.GetRequiredService<IGrainFactory>();
            if (!await CircuitSession.IsValidAsync(grains, user))
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity());
                if (context.Request.Cookies.ContainsKey(AuthExtensions.CookieName))
                {
                    await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                }
            }
        }

        await next(context);
    }
}
