using System.Security.Claims;
using Command.Web.Auth;
using Command.Grains.Grids;
using Command.Grains.Regions;
using Command.Grains.Workers;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Command.Web.Api;

public sealed record GridWorkerView(long Id, string Name, string Kind, string Status, string StatusName);

public sealed record GridView(
    string Code, string Name, RegionRef Village, RegionRef Township, RegionRef County, bool Synthetic, CountersView Counts,
    IReadOnlyList<GridWorkerView> Workers, System.Text.Json.JsonElement Boundary);

/// <summary>GET /api/grids/{code}.</summary>
public static class GridsApi
{
    public static IEndpointRouteBuilder MapGridsApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/grids/{code}", GetAsync).WithTags("grids")
            .Produces<GridView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A grid: where it lies, its workers and their live status.");
        return api;
    }

    internal static async Task<IResult> GetAsync(string code, ClaimsPrincipal user, RegionDirectory directory, IGrainFactory grains)
    {
        if (RegionsApi.Find(code, user, directory, out var problem) is not { } grid)
        {
            return problem!;
        }

        if (grid.Level != RegionLevel.Grid)
        {
            return Problems.NotFound($"{code} 不是网格代码（网格代码为 15 位）");
        }

        var snapshot = await grains.GetGrain<IGridGrain>(grid.Code).GetAsync();
        RegionRef At(RegionLevel level) =>
            directory.FindRegion(RegionCode.AncestorAt(grid.Code, level)) is { } r ? new RegionRef(r.Code, r.Name) : new RegionRef(RegionCode.AncestorAt(grid.Code, level), "");
        var workers = directory.WorkersOfGrid(grid.Code)
            .Select(w =>
            {
                var status = snapshot.Workers.GetValueOrDefault(w.Id);
                return new GridWorkerView(w.Id, w.Name, w.KindName, status.ToString(), status.ToChinese());
            })
            .ToList();
        using var boundary = System.Text.Json.JsonDocument.Parse(grid.BoundaryJson);
        return TypedResults.Ok(new GridView(
            grid.Code, grid.Name, At(RegionLevel.Village), At(RegionLevel.Township), At(RegionLevel.County), grid.Synthetic,
            CountersView.Of(snapshot.Counters), workers, boundary.RootElement.Clone()));
    }
}
