using System.Security.Claims;
using Command.Grains.Regions;
using Command.Grains.Units;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Command.Web.Api;

public sealed record UnitView(string Id, string Name, string Kind, string KindName, string RegionCode, IReadOnlyList<string> Serves);

/// <summary>GET /api/units: the centers, villages and departments inside a region (default: the user's own).</summary>
public static class UnitsApi
{
    public static IEndpointRouteBuilder MapUnitsApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/units", List).WithTags("units")
            .Produces<List<UnitView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Units (综治中心, villages, departments) inside a region, with the regions they serve.");
        return api;
    }

    private static IResult List(ClaimsPrincipal user, RegionDirectory directory, string? region = null)
    {
        if (RegionsApi.FindOrTop(region, user, directory, out var problem) is not { } scope)
        {
            return problem!;
        }

        return TypedResults.Ok(directory.Units
            .Where(u => RegionCode.IsWithin(u.RegionCode, scope.Code))
            .Select(u => new UnitView(u.Id, u.Name, u.Kind.ToString(), KindName(u.Kind), u.RegionCode, u.Serves))
            .ToList());
    }

    private static string KindName(UnitKind kind) => kind switch
    {
        UnitKind.Center => "综治中心",
        UnitKind.Village => "村(社区)",
        _ => "职能部门",
    };
}
