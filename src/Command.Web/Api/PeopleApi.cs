using System.Security.Claims;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Command.Web.Api;

/// <summary>How a person is shown: a user's display name instead of their account name.</summary>
public sealed record PersonView(string UserName, string DisplayName, string RoleName);

/// <summary>
/// GET /api/people/{userName}: the display name of a user in the caller's line (a user whose scope lies inside the
/// caller's, or contains it), so screens show "城关镇综治中心" where records keep "town-150123100". Anyone else
/// answers 404, like an unknown name.
/// </summary>
public static class PeopleApi
{
    public static IEndpointRouteBuilder MapPeopleApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/people/{userName}", GetAsync).WithTags("people")
            .Produces<PersonView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A user's display name, for users in the caller's line of scope.");
        return api;
    }

    private static async Task<IResult> GetAsync(string userName, ClaimsPrincipal user, UserStore users, CancellationToken cancellationToken)
    {
        if (userName.Length is 0 or > 64)
        {
            return Problems.NotFound("没有该用户");
        }

        // The users table lists every account, written with its grain's state: a made-up name wakes no grain.
        var profile = (await users.FindAsync(AccountRules.Normalize(userName), cancellationToken))?.Profile;
        var scope = user.ScopeCode();
        if (profile is null || !(RegionCode.IsWithin(profile.Scope, scope) || RegionCode.IsWithin(scope, profile.Scope)))
        {
            return Problems.NotFound("没有该用户");
        }

        return TypedResults.Ok(new PersonView(profile.UserName, profile.DisplayName, profile.Role.ToChinese()));
    }
}
