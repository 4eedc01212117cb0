using Command.Grains.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Command.Web.Auth;

/// <summary>
/// An API request refused by an endpoint's policy (before its body is read) gets a problem in Chinese: who may do this, or
/// that the user must sign in again. Pages keep the default: a redirect to the sign-in page.
/// </summary>
internal sealed class ApiRefusals : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!AuthExtensions.IsApi(context.Request) || authorizeResult.Succeeded)
        {
            await standard.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        if (authorizeResult.Challenged)
        {
            await context.ChallengeAsync();
            await Problems.Unauthorized("未登录或登录已失效，请重新登录").ExecuteAsync(context);
            return;
        }

        await context.ForbidAsync();
        var admin = policy.Requirements.OfType<RolesAuthorizationRequirement>().Any(r => r.AllowedRoles.SequenceEqual([nameof(UserRole.Admin)]));
        await Problems.Forbidden(admin ? "只有管理员可以进行此操作" : "您的角色无权进行此操作").ExecuteAsync(context);
    }
}
