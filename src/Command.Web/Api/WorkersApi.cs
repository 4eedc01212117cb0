using System.Security.Claims;
using Command.Web.Auth;
using Command.Grains;
using Command.Grains.Grids;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Grains.Workers;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Command.Web.Api;

public sealed record PositionView(double Lat, double Lon, DateTimeOffset Time, double? Speed, double? Bearing, double? Altitude, double? Accuracy, double? Battery)
{
    public static PositionView Of(in PositionFix f) => new(
        f.Lat, f.Lon, ChinaTime.Convert(f.At), Optional(f.Speed), Optional(f.Bearing), Optional(f.Altitude), Optional(f.Accuracy), Optional(f.Battery));

    private static double? Optional(double value) => double.IsNaN(value) ? null : value;
}

public sealed record PatrolView(DateOnly Date, double Hours, double Kilometres, int Positions, DateTimeOffset? First, DateTimeOffset? Last)
{
    public static PatrolView Of(PatrolDay day) => new(
        day.Date, day.Hours, day.Kilometres, day.Positions, day.First is { } f ? ChinaTime.Convert(f) : null, day.Last is { } l ? ChinaTime.Convert(l) : null);
}

public sealed record WorkerListItem(long Id, string Name, string Kind, string GridCode, string Status, string StatusName, string? DeviceId);

public sealed record WorkerPage(int Total, int Page, int PageSize, IReadOnlyList<WorkerListItem> Items);

public sealed record WorkerView(
    long Id, string Name, string Phone, string Kind, string GridCode, string GridName, string Status, string StatusName,
    PositionView? LastPosition, PatrolView Today, string? DeviceId);

public sealed record TrackView(long WorkerId, DateTimeOffset From, DateTimeOffset To, bool Truncated, PatrolView? Patrol, IReadOnlyList<PositionView> Points);

/// <summary>GET /api/workers, /api/workers/{id}, /api/workers/{id}/track, /api/workers/{id}/patrol.</summary>
public static class WorkersApi
{
    private const int MaxTrackPoints = 20_000;
    private static readonly TimeSpan MaxTrackSpan = TimeSpan.FromDays(7);
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IEndpointRouteBuilder MapWorkersApi(this IEndpointRouteBuilder api)
    {
        var workers = api.MapGroup("/workers").WithTags("workers");
        workers.MapGet("/", ListAsync)
            .Produces<WorkerPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Grid workers inside a region (default: the user's own), with live status; paged.");
        workers.MapGet("/{id:long}", GetAsync)
            .Produces<WorkerView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A worker: profile, status, last position and today's patrol. Admins also see the device id.");
        workers.MapGet("/{id:long}/track", TrackAsync)
            .Produces<TrackView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The worker's positions between from and to (ISO 8601; default today so far), oldest first.");
        workers.MapGet("/{id:long}/patrol", PatrolAsync)
            .Produces<PatrolView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Patrol hours and distance on a day (date=yyyy-MM-dd, China time; default today).");
        return api;
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, RegionDirectory directory, IGrainFactory grains, string? region = null, int page = 1, int pageSize = 100)
    {
        if (RegionsApi.FindOrTop(region, user, directory, out var problem) is not { } scope)
        {
            return problem!;
        }

        if (page is < 1 or > 1_000_000 || pageSize is < 1 or > 1000)
        {
            return Problems.BadRequest("page 为 1 到 1000000，pageSize 为 1 到 1000");
        }

        var all = directory.WorkersWithin(scope.Code).ToList();
        var items = all.Skip((page - 1) * pageSize).Take(pageSize).ToList();
        var grids = await Task.WhenAll(items.Select(w => w.GridCode).Distinct().Select(g => grains.GetGrain<IGridGrain>(g).GetAsync()));
        var statuses = grids.SelectMany(g => g.Workers).ToDictionary(p => p.Key, p => p.Value);
        var admin = user.Role() == UserRole.Admin;
        return TypedResults.Ok(new WorkerPage(all.Count, page, pageSize, [.. items.Select(w =>
        {
            var status = statuses.GetValueOrDefault(w.Id);
            return new WorkerListItem(w.Id, w.Name, w.KindName, w.GridCode, status.ToString(), status.ToChinese(), admin ? w.DeviceId : null);
        })]));
    }

    private static async Task<IResult> GetAsync(long id, ClaimsPrincipal user, RegionDirectory directory, IGrainFactory grains)
    {
        if (Find(id, user, directory, out var problem) is not { } worker)
        {
            return problem!;
        }

        var snapshot = await grains.GetGrain<IWorkerGrain>(id).GetAsync();
        return TypedResults.Ok(new WorkerView(
            worker.Id, worker.Name, worker.Phone, worker.KindName, worker.GridCode, directory.FindRegion(worker.GridCode)?.Name ?? "",
            snapshot.Status.ToString(), snapshot.Status.ToChinese(), snapshot.LastPosition is { } last ? PositionView.Of(last) : null,
            PatrolView.Of(snapshot.Today), user.Role() == UserRole.Admin ? worker.DeviceId : null));
    }

    private static async Task<IResult> TrackAsync(
        long id, ClaimsPrincipal user, RegionDirectory directory, Database database, TimeProvider time, IOptions<PositionOptions> options,
        DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        if (Find(id, user, directory, out var problem) is null)
        {
            return problem!;
        }

        var now = time.GetUtcNow();
        var end = to ?? now;
        var start = from ?? ChinaDate.StartOf(ChinaDate.Of(now));
        if (start >= end || end - start > MaxTrackSpan || start < Earliest || end > now.AddDays(1))
        {
            return Problems.BadRequest("from 必须早于 to，时间跨度不超过 7 天，且在 2000 年至明天之间");
        }

        var fixes = await PositionQueries.TrackAsync(database, id, start, end, MaxTrackPoints + 1);
        var truncated = fixes.Count > MaxTrackPoints;
        if (truncated)
        {
            fixes.RemoveAt(fixes.Count - 1);
        }

        // A whole day's summary accompanies a track within one day.
        var day = ChinaDate.Of(start);
        var patrol = ChinaDate.Of(end.AddTicks(-1)) == day ? PatrolView.Of(PatrolTracker.Compute(day, fixes, options.Value.OnlineGap)) : null;
        return TypedResults.Ok(new TrackView(id, ChinaTime.Convert(start), ChinaTime.Convert(end), truncated, patrol, [.. fixes.Select(f => PositionView.Of(f))]));
    }

    private static async Task<IResult> PatrolAsync(
        long id, ClaimsPrincipal user, RegionDirectory directory, Database database, TimeProvider time, IOptions<PositionOptions> options, DateOnly? date = null)
    {
        if (Find(id, user, directory, out var problem) is null)
        {
            return problem!;
        }

        var today = ChinaDate.Of(time.GetUtcNow());
        var day = date ?? today;
        if (day < ChinaDate.Of(Earliest) || day > today.AddDays(1))
        {
            return Problems.BadRequest("date 必须在 2000 年至明天之间");
        }

        var start = ChinaDate.StartOf(day);
        var fixes = await PositionQueries.TrackAsync(database, id, start, start.AddDays(1), 200_000);
        return TypedResults.Ok(PatrolView.Of(PatrolTracker.Compute(day, fixes, options.Value.OnlineGap)));
    }

    /// <summary>The worker, or 404 when unknown or when their grid is outside the user's scope (the two answer alike).</summary>
    private static WorkerInfo? Find(long id, ClaimsPrincipal user, RegionDirectory directory, out IResult? problem)
    {
        problem = null;
        if (directory.FindWorker(id) is not { } worker || !user.CanSee(worker.GridCode))
        {
            problem = Problems.NotFound($"网格员 {id} 不存在");
            return null;
        }

        return worker;
    }
}
