using System.Security.Claims;
using System.Text.Json;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Grains.Workers;
using Command.Web.Auth;
using Command.Web.Phone;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Orleans;

namespace Command.Web.Api;

/// <summary>
/// The signed-in grid worker's own profile, as the phone shows it; <see cref="DeviceId"/> is for an OsmAnd/Traccar app, and
/// <see cref="UserName"/> is the account the phone files its outbox under (what one account queued is never sent under another).
/// The categories to report under come from GET /api/categories, as every form's do.
/// </summary>
public sealed record MyWorkerView(
    long Id, string Name, string Phone, string Kind, string GridCode, string GridName, string DeviceId, string TrackerPath, string? ActiveSos, string UserName);

/// <summary>
/// Where an SOS was sent from (both or neither) and, optionally, when that fix was taken (Unix ms; default: now) and what the
/// phone's clock read when it sent the alarm (<see cref="SentAt"/>, Unix ms: the fix's time is read on our clock, see
/// <see cref="MeApi.SkewOf"/>). <see cref="Renew"/>: only move the worker's active SOS to this fresher place; if it was called
/// off meanwhile, raise nothing.
/// </summary>
public sealed record SosInput(double? Lat, double? Lon, double? Accuracy, long? Timestamp = null, bool? Renew = null, long? SentAt = null);

/// <summary>The raised SOS; <see cref="PositionRefused"/> says why the position sent with it was not used (the alarm stands).</summary>
public sealed record SosView(string WarningId, bool Active, string? PositionRefused = null);

/// <summary>
/// The phone's API: a long-lived sign-in for grid workers (POST/DELETE /api/me/session), the worker's own profile and tracker
/// id (GET /api/me/worker), positions under the signed-in worker's identity (POST /api/me/positions) and 一键报警
/// (POST/DELETE /api/me/sos). No device id travels: the session says who the worker is.
/// </summary>
public static class MeApi
{
    /// <summary>A phone clock this close to ours is left alone: the difference is mostly the request's own travel time.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromSeconds(30);

    public static IEndpointRouteBuilder MapMeApi(this IEndpointRouteBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("phone");
        me.MapGet("/worker", GetWorker).Produces<MyWorkerView>().ProducesProblem(StatusCodes.Status403Forbidden).WithSummary("The signed-in grid worker: grid, phone and the device id to enter in an OsmAnd/Traccar tracker app.");
        me.MapPost("/positions", PostPositionsAsync).DisableAntiforgery()
            .Accepts<PositionBatch>("application/json")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(PositionsApi.MaxBatchBytes))
            .Produces<PositionsAccepted>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("The signed-in grid worker's positions ({\"positions\": [{\"lat\", \"lon\", \"timestamp\", …}], \"sentAt\": the phone's clock now}, no id); answers once durable.");
        me.MapPost("/sos", RaiseSosAsync).DisableAntiforgery()
            .Accepts<SosInput>(isOptional: true, "application/json")
            .Produces<SosView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("一键报警: a red warning with the worker's place on every screen that sees the worker; raised even when the place is refused ({\"lat\", \"lon\", \"accuracy\", \"timestamp\", \"renew\"}, all optional).");
        me.MapDelete("/sos", CancelSosAsync)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The worker calls their SOS off.");
        me.MapDelete("/session", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        }).Produces(StatusCodes.Status204NoContent).WithSummary("Signs the phone out.");
        return api;
    }

    /// <summary>POST /api/me/session: the phone's sign-in, for grid workers only, lasting <see cref="PhoneOptions.SessionLifetime"/> from its last use.</summary>
    public static IEndpointRouteBuilder MapPhoneSession(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/me/session", SignInAsync).AllowAnonymous().DisableAntiforgery().WithTags("phone")
            .Accepts<TokenRequest>("application/json")
            .Produces<PhoneSession>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Signs a grid worker's phone in ({\"userName\", \"password\"}) with a long-lived cookie; send the X-Command-Csrf header.");
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, SignInService signIn, IOptions<PhoneOptions> phone, TimeProvider time)
    {
        // A custom header cannot be sent cross-site without a preflight we never grant: no other site signs a phone in.
        if (!context.Request.Headers.ContainsKey(CrossSiteGuard.Header))
        {
            return Problems.Forbidden($"请从本系统页面登录（缺少 {CrossSiteGuard.Header} 请求头）");
        }

        var (input, problem) = await JsonBody.ReadAsync<TokenRequest>(context.Request);
        if (problem is not null)
        {
            return problem;
        }

        var result = await signIn.SignInAsync(input!.UserName, input.Password);
        if (result.Status != SignInStatus.Succeeded)
        {
            return Problems.Unauthorized(SignInService.Explain(result, time));
        }

        if (result.Profile!.Role != UserRole.GridWorker)
        {
            return Problems.Forbidden("手机端仅供网格员使用，其他岗位请在电脑上登录");
        }

        var principal = CommandClaims.Principal(result, CookieAuthenticationDefaults.AuthenticationScheme);
        var expires = time.GetUtcNow() + phone.Value.SessionLifetime;
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
            new AuthenticationProperties { IsPersistent = true, AllowRefresh = true, ExpiresUtc = expires });
        return TypedResults.Ok(new { result.Profile.UserName, result.Profile.DisplayName, result.Profile.WorkerId, ExpiresAt = expires });
    }

    private static async Task<IResult> GetWorker(ClaimsPrincipal user, RegionDirectory directory, IGrainFactory grains)
    {
        if (Own(user, directory) is not { } worker)
        {
            return NotAWorker();
        }

        return TypedResults.Ok(new MyWorkerView(
            worker.Id, worker.Name, worker.Phone, worker.KindName, worker.GridCode, directory.FindRegion(worker.GridCode)?.Name ?? worker.GridCode,
            worker.DeviceId, "/osmand", await grains.GetGrain<IWorkerGrain>(worker.Id).ActiveSosAsync(), user.UserName()));
    }

    private static async Task<IResult> PostPositionsAsync(HttpContext context, ClaimsPrincipal user, RegionDirectory directory, PositionLog positions, TimeProvider time, IOptions<PositionOptions> options)
    {
        if (Own(user, directory) is not { } worker)
        {
            return NotAWorker();
        }

        var (batch, unreadable) = await PositionsApi.ReadBatchAsync(context);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var rules = options.Value;
        if (batch?.Positions is not { Count: > 0 } items || items.Count > rules.MaxBatch)
        {
            return Problems.BadRequest($"请求体应为 {{\"positions\": [...]}}，含 1 到 {rules.MaxBatch} 个位置");
        }

        var now = time.GetUtcNow();
        var skew = SkewOf(batch.SentAt, now);
        var county = directory.CountyOf(worker.GridCode);
        var fixes = new PositionFix[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { Lat: { } lat, Lon: { } lon, Timestamp: > 0 } item)
            {
                return Problems.BadRequest($"positions[{i}]：缺少纬度、经度或时间戳，没有存储任何位置");
            }

            fixes[i] = new PositionFix(worker.Id, item.Timestamp + skew, lat, lon, item.Speed ?? double.NaN, item.Bearing ?? double.NaN,
                item.Altitude ?? double.NaN, item.Accuracy ?? double.NaN, item.Batt ?? double.NaN);
            if (PositionValidator.Check(fixes[i], county, now, rules) is { } error)
            {
                return Problems.BadRequest($"positions[{i}]：{error}，没有存储任何位置");
            }
        }

        if (PositionsApi.Append(positions, fixes, out var durable) is { } busy)
        {
            return busy;
        }

        await durable;
        return TypedResults.Ok(new PositionsAccepted(fixes.Length));
    }

    private static async Task<IResult> RaiseSosAsync(
        HttpRequest request, ClaimsPrincipal user, RegionDirectory directory, IGrainFactory grains, PositionLog positions, TimeProvider time, IOptions<PositionOptions> options)
    {
        if (Own(user, directory) is not { } worker)
        {
            return NotAWorker();
        }

        var (input, problem) = await JsonBody.ReadAsync<SosInput>(request, optional: true);
        if (problem is not null)
        {
            return problem;
        }

        // The alarm goes out first and whatever the position: a place the validator refuses (outside the county, a bad
        // reading) only means the warning is drawn at the worker's last known position instead.
        var now = time.GetUtcNow();
        PositionFix? fix = null;
        string? refused = null;
        if (input is { Lat: { } y, Lon: { } x })
        {
            var at = input.Timestamp is > 0 and { } stamp ? stamp + SkewOf(input.SentAt ?? 0, now) : now.ToUnixTimeMilliseconds();
            var candidate = new PositionFix(worker.Id, at, y, x, double.NaN, double.NaN, double.NaN, input.Accuracy ?? double.NaN, double.NaN);
            refused = PositionValidator.Check(candidate, directory.CountyOf(worker.GridCode), now, options.Value);
            fix = refused is null ? candidate : null;
        }

        var grain = grains.GetGrain<IWorkerGrain>(worker.Id);
        if (input?.Renew == true)
        {
            // A fresher place for the alarm already up: nothing to move without a usable place, nothing to raise if called off.
            if (fix is null)
            {
                return Problems.BadRequest($"位置未被采用：{refused ?? "缺少纬度、经度"}");
            }

            if (await grain.ActiveSosAsync() is null)
            {
                return Problems.NotFound("当前没有进行中的报警");
            }
        }

        var id = await grain.RaiseSosAsync(new SosCall(user.UserName(), fix?.Lat, fix?.Lon));

        // The place is kept as a position too, so the worker's dot is where the SOS came from; a busy log loses only the dot.
        if (fix is { } kept && PositionsApi.Append(positions, new ReadOnlySpan<PositionFix>(in kept), out var durable) is null)
        {
            await durable;
        }

        return TypedResults.Ok(new SosView(id, true, refused is null ? null : $"报警已发出，但位置未被采用（{refused}），按最近一次位置显示"));
    }

    private static async Task<IResult> CancelSosAsync(ClaimsPrincipal user, RegionDirectory directory, IGrainFactory grains)
    {
        if (Own(user, directory) is not { } worker)
        {
            return NotAWorker();
        }

        var cancelled = await grains.GetGrain<IWorkerGrain>(worker.Id).CancelSosAsync(user.UserName());
        return cancelled ? Results.NoContent() : Problems.NotFound("当前没有进行中的报警");
    }

    /// <summary>
    /// How far to move a phone's times onto our clock. A phone's clock may be minutes or hours off, so it says what its clock
    /// read when it sent (<paramref name="sentAt"/>, Unix ms); the difference to ours now is its skew, and each fix it took is
    /// moved by it before it is checked like any other (a fix still in the future, or too old, by the phone's own clock is
    /// refused as before). No correction within <see cref="ClockTolerance"/>, or when the phone did not say (0).
    /// The skew is measured when the batch is sent, so it holds for fixes taken earlier on the same clock (kept offline).
    /// </summary>
    public static long SkewOf(long sentAt, DateTimeOffset now)
    {
        if (sentAt <= 0)
        {
            return 0;
        }

        var skew = now.ToUnixTimeMilliseconds() - sentAt;
        return Math.Abs(skew) <= (long)ClockTolerance.TotalMilliseconds ? 0 : skew;
    }

    private static WorkerInfo? Own(ClaimsPrincipal user, RegionDirectory directory) =>
        user.Role() == UserRole.GridWorker && user.WorkerId() is { } id ? directory.FindWorker(id) : null;

    private static IResult NotAWorker() => Problems.Forbidden("仅网格员本人可用");
}
