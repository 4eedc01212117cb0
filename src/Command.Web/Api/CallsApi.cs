using System.Security.Claims;
using Command.Grains.Calls;
using Command.Grains.Orders;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orleans;

namespace Command.Web.Api;

/// <summary>
/// One line of a call log (通话记录): who called (主叫) whom (被叫), when it rang, and how long they talked, or how it ended
/// without talk (未接听, 已拒接). <see cref="Result"/> is the line's last column as screens show it.
/// </summary>
public sealed record CallLogEntry(
    string Id, string Status, string StatusName, string CallerName, string CalleeName, DateTimeOffset StartedAt, DateTimeOffset? ConnectedAt,
    DateTimeOffset? EndedAt, int DurationSeconds, string? EndReasonName, string Result)
{
    public static CallLogEntry Of(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var reason = CallEndReasons.ToChinese(call.EndReason);
        var result = call.Status switch
        {
            CallStatus.Ended => Length(call.Duration) + (reason is null ? "" : $"（{reason}）"),
            _ => call.Status.ToChinese(),
        };
        return new(
            call.Id, call.Status.Wire(), call.Status.ToChinese(), call.CallerName, call.CalleeName, call.StartedAt, call.ConnectedAt, call.EndedAt,
            (int)call.Duration.TotalSeconds, reason, result);
    }

    /// <summary>A talk's length as people say it: 45秒, 3分05秒, 1小时02分.</summary>
    public static string Length(TimeSpan duration)
    {
        var s = (long)duration.TotalSeconds;
        return s < 60 ? $"{s}秒" : s < 3600 ? $"{s / 60}分{s % 60:00}秒" : $"{s / 3600}小时{s / 60 % 60:00}分";
    }
}

/// <summary>
/// The call log of a case or an order: GET /api/cases/{code}/calls and GET /api/orders/{id}/calls, newest first. Read by
/// the same rules as the case or the order itself: one the caller may not see answers exactly as one that does not exist.
/// Within it, a call to someone out of the caller's sight (another township's worker) is left out, and an order's receiver
/// reads only the calls with itself, as it reads only its own line of the order.
/// </summary>
public static class CallsApi
{
    public static IEndpointRouteBuilder MapCallsApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/cases/{code}/calls", ForCaseAsync).WithTags("calls")
            .Produces<IReadOnlyList<CallLogEntry>>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The video calls (视频通话) about a case, newest first: caller, callee, when, how long, or 未接听/已拒接.");
        api.MapGet("/orders/{id}/calls", ForOrderAsync).WithTags("calls")
            .Produces<IReadOnlyList<CallLogEntry>>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The video calls about a dispatch order, newest first; a receiver reads only the calls with itself.");
        return api;
    }

    private static async Task<IResult> ForCaseAsync(string code, ClaimsPrincipal user, IGrainFactory grains, CallStore store, CancellationToken cancellationToken) =>
        await CaseLogAsync(code, user, grains, store, cancellationToken) is { } log ? TypedResults.Ok(log) : Problems.NoCase(code);

    private static async Task<IResult> ForOrderAsync(string id, ClaimsPrincipal user, IGrainFactory grains, CallStore store, CancellationToken cancellationToken)
    {
        if (OrderAccess.KeyOf(user.Profile()) is null)
        {
            return Problems.Forbidden("管理员没有调度指令");
        }

        return await OrderLogAsync(id, user, grains, store, cancellationToken) is { } log
            ? TypedResults.Ok(log)
            : Problems.NotFound($"没有调度指令 {Problems.Shown(id)}");
    }

    /// <summary>The log of a case the user may see, newest first; null when it does not exist or is out of sight (alike).</summary>
    public static async Task<IReadOnlyList<CallLogEntry>?> CaseLogAsync(
        string code, ClaimsPrincipal user, IGrainFactory grains, CallStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await AttachmentsApi.VisibleCaseAsync(code, user, grains) is not { } view)
        {
            return null;
        }

        return Lines(await store.ForCaseAsync(view.Code, cancellationToken), user, only: null);
    }

    /// <summary>The log of an order the user may see, newest first; null when it does not exist or is out of sight (alike).</summary>
    public static async Task<IReadOnlyList<CallLogEntry>?> OrderLogAsync(
        string id, ClaimsPrincipal user, IGrainFactory grains, CallStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await OrdersApi.VisibleOrderAsync(id, user, grains) is not { } view)
        {
            return null;
        }

        // The issuer's side reads every call (as it reads every receiver's line); a receiver its own.
        var profile = user.Profile();
        return Lines(await store.ForOrderAsync(view.Id, cancellationToken), user, OrderViews.IsIssuerSide(view, profile) ? null : OrderAccess.KeyOf(profile));
    }

    private static List<CallLogEntry> Lines(List<CallRecord> calls, ClaimsPrincipal user, string? only)
    {
        var me = user.UserName();
        return [.. calls
            .Where(c => c.Caller == me || c.AnsweredBy == me || (user.CanSee(c.CalleeRegion) && (only is null || c.Callee == only)))
            .OrderByDescending(c => c.StartedAt)
            .Select(CallLogEntry.Of)];
    }
}
