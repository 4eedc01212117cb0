using System.Globalization;
using System.Security.Claims;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Grains.Warnings;
using Command.Grains.Workers;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Command.Web.Api;

public sealed record WarningView(
    string Id, string Kind, string KindName, string Level, string LevelName, string Subject, string? CaseCode, long? WorkerId,
    string RegionCode, string RegionName, string Message, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt, string? AckedBy, DateTimeOffset? AckedAt)
{
    public static WarningView Of(WarningRecord w, RegionDirectory directory) => new(
        w.Id, w.Kind.Wire(), w.Kind.ToChinese(), w.Level == WarningLevel.Red ? "red" : "yellow", w.Level.ToChinese(), w.Subject, w.CaseCode, w.WorkerId,
        w.RegionCode, directory.FindRegion(w.RegionCode)?.Name ?? "", w.Message, ChinaTime.Convert(w.RaisedAt),
        w.ClearedAt is { } c ? ChinaTime.Convert(c) : null, w.AckedBy, w.AckedAt is { } a ? ChinaTime.Convert(a) : null);
}

public sealed record WarningListPage(int Total, int Page, int PageSize, IReadOnlyList<WarningView> Items);

/// <summary>GET /api/warnings (the big screen's rolling list), POST /api/warnings/{id}/ack (确认, logged), POST /api/warnings/{id}/close (解除 an SOS).</summary>
public static class WarningsApi
{
    public static IEndpointRouteBuilder MapWarningsApi(this IEndpointRouteBuilder api)
    {
        var warnings = api.MapGroup("/warnings").WithTags("warnings");
        warnings.MapGet("/", ListAsync)
            .Produces<WarningListPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Warnings inside a region (default: the user's own), newest first, paged; active only unless all=true; kind filters by wire name.");
        warnings.MapPost("/{id}/ack", AckAsync)
            .Produces<WarningView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Acknowledges a warning for the signed-in user; 409 names who acknowledged it first and when.");
        warnings.MapPost("/{id}/close", CloseSosAsync)
            .Accepts<SosCloseInput>("application/json")
            .Produces<SosClosed>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("解除 a grid worker's SOS ({\"note\"}: what was done): the duty officer, a leader or the worker's own township center; recorded with who and when, cleared on every screen.");
        return api;
    }

    private static async Task<IResult> ListAsync(
        ClaimsPrincipal user, RegionDirectory directory, WarningStore store,
        string? region = null, string? kind = null, string? all = null, int page = 1, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        if (RegionsApi.FindOrTop(region, user, directory, out var problem) is not { } scope)
        {
            return problem!;
        }

        if (page is < 1 or > 1_000_000 || pageSize is < 1 or > 1000)
        {
            return Problems.BadRequest("page 为 1 到 1000000，pageSize 为 1 到 1000");
        }

        // Parsed here, not bound, so a wrong value gets a Chinese answer like every other one.
        bool? includeCleared = all?.ToLowerInvariant() switch
        {
            null or "" or "false" or "0" => false,
            "true" or "1" => true,
            _ => null,
        };
        if (includeCleared is null)
        {
            return Problems.BadRequest("all 只能是 true 或 false");
        }

        WarningKind? only = null;
        if (!string.IsNullOrEmpty(kind))
        {
            if (!WarningNames.TryParse(kind, out var parsed))
            {
                return Problems.BadRequest($"预警类型 {(kind.Length > 20 ? kind[..20] : kind)} 无效：应为 {string.Join("、", Enum.GetValues<WarningKind>().Select(k => k.Wire()))}");
            }

            only = parsed;
        }

        // A department sees the warnings of the cases it handles, not its region's.
        var unit = user.Role() == UserRole.Department ? user.Profile().UnitId : null;
        var found = await store.ListAsync(new WarningQuery(scope.Code, only, includeCleared.Value, page, pageSize, unit), cancellationToken);
        return TypedResults.Ok(new WarningListPage(found.Total, page, pageSize, [.. found.Items.Select(w => WarningView.Of(w, directory))]));
    }

    private static async Task<IResult> AckAsync(
        string id, ClaimsPrincipal user, RegionDirectory directory, WarningStore store, IGrainFactory grains, CancellationToken cancellationToken)
    {
        // The role first: its refusal is about the user, never the warning. Ids can be guessed (…-unsigned-3), so a warning
        // outside the scope answers exactly as one that does not exist, after the same lookup, before anything is written.
        if (!Live.ScopeCheck.CanAcknowledge(user.Role()))
        {
            return Problems.Forbidden("只有值班员、领导、乡镇综治中心和村(社区)可以确认预警");
        }

        if (await store.GetAsync(id, cancellationToken) is not { } warning || !warning.IsWithin(user.ScopeCode()))
        {
            return Problems.NotFound($"预警 {(id.Length > 40 ? id[..40] : id)} 不存在");
        }

        var result = await store.AckAsync(id, user.UserName(), cancellationToken);
        switch (result.Outcome)
        {
            case AckOutcome.Acked:
                return TypedResults.Ok(WarningView.Of(result.Warning!, directory));
            case AckOutcome.AlreadyAcked:
                var first = result.Warning!;
                var name = first.AckedBy is { } by ? (await grains.GetGrain<IUserGrain>(by).GetAsync())?.DisplayName ?? by : "";
                var at = first.AckedAt is { } a ? ChinaTime.Convert(a) : (DateTimeOffset?)null;
                return TypedResults.Problem(
                    $"该预警已由 {name}（{first.AckedBy}）于 {at?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} 确认",
                    statusCode: StatusCodes.Status409Conflict,
                    title: "预警已被确认",
                    extensions: new Dictionary<string, object?> { ["ackedBy"] = first.AckedBy, ["ackedByName"] = name, ["ackedAt"] = at });
            default:
                return Problems.NotFound($"预警 {(id.Length > 40 ? id[..40] : id)} 不存在");
        }
    }

    private static async Task<IResult> CloseSosAsync(
        string id, HttpRequest request, ClaimsPrincipal user, RegionDirectory directory, WarningStore store, IGrainFactory grains, TimeProvider time,
        CancellationToken cancellationToken)
    {
        // The role first (it tells nothing about the warning); then outside the user's scope it is as if there were none.
        if (user.Role() is not (UserRole.DutyOfficer or UserRole.Leader or UserRole.TownshipCenter))
        {
            return Problems.Forbidden("只有值班员、领导和网格员所在乡镇的综治中心可以解除一键报警");
        }

        if (await store.GetAsync(id, cancellationToken) is not { } warning || !warning.IsWithin(user.ScopeCode()))
        {
            return Problems.NotFound($"预警 {(id.Length > 40 ? id[..40] : id)} 不存在");
        }

        if (warning.Kind != WarningKind.Sos || warning.WorkerId is not { } worker)
        {
            return Problems.BadRequest("只有一键报警可以解除；其他预警在其原因消除后自动解除");
        }

        var (input, problem) = await JsonBody.ReadAsync<SosCloseInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var note = input!.Note?.Trim() ?? "";
        if (note.Length is 0 or > 500 || !TextRules.IsClean(note))
        {
            return Problems.BadRequest("请填写处置情况(note)，不超过 500 个字符");
        }

        if (!await grains.GetGrain<IWorkerGrain>(worker).CloseSosAsync(warning.Id, user.UserName(), note))
        {
            return TypedResults.Problem("该报警已解除（网格员本人已取消或已由他人解除）", statusCode: StatusCodes.Status409Conflict, title: "报警已解除");
        }

        return TypedResults.Ok(new SosClosed(warning.Id, user.UserName(), ChinaTime.Convert(time.GetUtcNow()), note));
    }
}

public sealed record SosCloseInput(string? Note);

/// <summary>Who closed an SOS (解除), when, and what they did.</summary>
public sealed record SosClosed(string WarningId, string ClosedBy, DateTimeOffset ClosedAt, string Note);
