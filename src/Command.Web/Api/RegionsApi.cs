using System.Security.Claims;
using Command.Web.Auth;
using System.Text.Json;
using Command.Grains.Regions;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Command.Web.Api;

public sealed record RegionRef(string Code, string Name);

/// <summary>Live counts: grids, workers online and patrolling, open and overdue cases, active warnings, cases accepted and resolved today.</summary>
public sealed record CountersView(int Grids, int Workers, int Online, int Patrolling, int OpenCases, int OverdueCases, int Warnings, int AcceptedToday, int ResolvedToday)
{
    public static CountersView Of(RegionCounters c) =>
        new(c.Grids, c.Workers, c.Online, c.Patrolling, c.Open, c.Overdue, c.Warnings, c.AcceptedToday, c.ResolvedToday);
}

public sealed record RegionChildView(string Code, string Name, string Level, string LevelName, bool Synthetic, CountersView Counts);

public sealed record RegionView(
    string Code, string Name, string Level, string LevelName, RegionRef? Parent, bool Synthetic, CountersView Counts, IReadOnlyList<RegionChildView> Children);

/// <summary>GET /api/regions, /api/regions/{code}, /api/regions/{code}/boundaries.</summary>
public static class RegionsApi
{
    public static IEndpointRouteBuilder MapRegionsApi(this IEndpointRouteBuilder api)
    {
        var regions = api.MapGroup("/regions").WithTags("regions");
        regions.MapGet("/", (ClaimsPrincipal user, RegionDirectory directory) =>
            TypedResults.Ok(Tops(user, directory).Select(r => new RegionRef(r.Code, r.Name)).ToList()))
            .WithSummary("The regions at the top of what the signed-in user may see (their own; every root for an admin).");
        regions.MapGet("/{code}", GetAsync)
            .Produces<RegionView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A region with its children and their live counts; a grid code answers the grid, as GET /api/grids/{code}.");
        regions.MapGet("/{code}/boundaries", Boundaries)
            .Produces<string>(StatusCodes.Status200OK, "application/geo+json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("GeoJSON FeatureCollection of the region's children (the grids, for a village).");
        return api;
    }

    private static async Task<IResult> GetAsync(string code, ClaimsPrincipal user, RegionDirectory directory, IGrainFactory grains)
    {
        if (Find(code, user, directory, out var problem) is not { } region)
        {
            return problem!;
        }

        if (region.Level == RegionLevel.Grid)
        {
            return await GridsApi.GetAsync(region.Code, user, directory, grains);
        }

        var grain = grains.GetGrain<IRegionGrain>(region.Code);
        var counts = await grain.GetCountersAsync();
        var children = await grain.GetChildrenAsync();
        var parent = region.ParentCode is { } p && directory.FindRegion(p) is { } pr ? new RegionRef(pr.Code, pr.Name) : null;
        return TypedResults.Ok(new RegionView(
            region.Code, region.Name, region.Level.ToString(), RegionCode.LevelName(region.Level), parent, region.Synthetic, CountersView.Of(counts),
            [.. region.Children.Select(c => new RegionChildView(
                c.Code, c.Name, c.Level.ToString(), RegionCode.LevelName(c.Level), c.Synthetic, CountersView.Of(children.GetValueOrDefault(c.Code))))]));
    }

    private static IResult Boundaries(string code, ClaimsPrincipal user, RegionDirectory directory)
    {
        if (Find(code, user, directory, out var problem) is not { } region)
        {
            return problem!;
        }

        var features = region.Children.Count > 0 ? region.Children : [region];
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteString("name", region.Name);
            json.WriteStartArray("features");
            foreach (var child in features)
            {
                json.WriteStartObject();
                json.WriteString("type", "Feature");
                json.WriteString("id", child.Code);
                json.WriteStartObject("properties");
                json.WriteString("code", child.Code);
                json.WriteString("name", child.Name);
                json.WriteString("level", child.Level.ToString());
                json.WriteBoolean("synthetic", child.Synthetic);
                if (child.Synthetic)
                {
                    json.WriteString("note", "示意边界：按真实县界推算，非官方数据");
                }

                json.WriteEndObject();
                json.WritePropertyName("geometry");
                json.WriteRawValue(child.BoundaryJson, skipInputValidation: true);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Results.Bytes(buffer.ToArray(), "application/geo+json; charset=utf-8");
    }

    /// <summary>The user's own region; for a user whose scope is everything (admin), every imported root.</summary>
    internal static IReadOnlyList<RegionInfo> Tops(ClaimsPrincipal user, RegionDirectory directory)
    {
        var scope = user.ScopeCode();
        if (scope.Length == 0)
        {
            return directory.Roots;
        }

        return directory.FindRegion(scope) is { } own ? [own] : [];
    }

    /// <summary>Like <see cref="Find"/>, for an optional region parameter: absent means the user's top region.</summary>
    internal static RegionInfo? FindOrTop(string? code, ClaimsPrincipal user, RegionDirectory directory, out IResult? problem) =>
        Find(code ?? (Tops(user, directory) is [var top, ..] ? top.Code : user.ScopeCode()), user, directory, out problem);

    /// <summary>The region, or the problem to answer: 400 for a malformed code, 404 unknown or outside the user's scope (alike).</summary>
    internal static RegionInfo? Find(string code, ClaimsPrincipal user, RegionDirectory directory, out IResult? problem)
    {
        problem = null;
        if (RegionCode.LevelOf(code) is null)
        {
            problem = Problems.BadRequest($"区划代码 {Encode(code)} 格式错误：应为 4、6、9、12 或 15 位数字");
            return null;
        }

        // Outside the scope, whether a code exists is nobody's business: it answers as a code that does not exist.
        if (directory.FindRegion(code) is not { } region || !user.CanSee(code))
        {
            problem = Problems.NoRegion(code);
            return null;
        }

        return region;
    }

    private static string Encode(string value) => value.Length > 20 ? value[..20] + "…" : value;
}
