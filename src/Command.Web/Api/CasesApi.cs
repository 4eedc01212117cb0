using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.Json;
using Command.Grains.Attachments;
using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Grains.Users;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Command.Web.Api;

/// <summary>What POST /api/cases answers: the code and where the case landed, who it went to, and the case itself.</summary>
public sealed record CaseCreated(
    string Code, string? GridCode, string? VillageCode, string? TownshipCode, string CountyCode, Grains.Dispatch.Assignee? DispatchedTo, string? Rule, CaseView Case);

/// <summary>POST /api/cases, GET /api/cases, GET /api/cases/{code}, POST /api/cases/{code}/{action}.</summary>
public static class CasesApi
{
    /// <summary>The request header that makes POST /api/cases safe to resend: the first request with a key opens the case, later ones answer it (200).</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>The largest page that also answers each case's allowed actions (each asks its case grain).</summary>
    private const int MaxAllowedPage = 50;
    private const int MaxSearch = 50;

    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder api)
    {
        var cases = api.MapGroup("/cases").WithTags("cases");
        cases.MapPost("/", CreateAsync)
            .Accepts<CaseInput>("application/json")
            .Produces<CaseCreated>(StatusCodes.Status201Created)
            .Produces<CaseCreated>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Registers a case from any channel; it is located, coded and auto-dispatched.")
            .WithDescription($"201 with the new case. With an {IdempotencyKey} header, resending the same key answers the case it opened (200) instead of opening another.");
        cases.MapGet("/", ListAsync)
            .Produces<CasePage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Cases in a region (newest first), by status (several comma-separated); q= those whose code or title contains it; mine=true for the user's own unit; allowed=true adds each case's allowed actions.");
        cases.MapGet("/{code}", GetAsync)
            .Produces<CaseView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A case: state, handler, deadlines, supervision, attempts, revisits, warnings, history, and the actions the caller may take now (allowed).");
        cases.MapPost("/{code}/{action}", ActAsync)
            .Accepts<CaseActionInput>(isOptional: true, "application/json")
            .Produces<CaseView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("An action: dispatch, sign, progress, consult, extend, approve-extension, escalate, return, supervise, cancel-supervision, resolve, verify, revisit, archive, reject.");
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, CaseIntakeService intake, IGrainFactory grains)
    {
        // The role comes before the body: whoever may never register a case learns nothing from how their body is judged.
        if (user.Profile().Role == UserRole.Admin)
        {
            return Problems.Forbidden("管理员不受理案件");
        }

        // A client that may resend (the phone's outbox) names each report once; the same key never opens a second case.
        if (!TryIdempotencyKey(request, out var key, out var badKey))
        {
            return badKey;
        }

        var (input, problem) = await JsonBody.ReadAsync<CaseInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (parsed, error) = input!.ToIntake();
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        try
        {
            var replayed = false;
            CaseView view;
            if (key.Length > 0)
            {
                (view, replayed) = await grains.GetGrain<ICaseSubmissionGrain>(CaseSubmission.KeyOf(user.UserName(), key)).SubmitAsync(parsed!, user.Profile());
            }
            else
            {
                view = await intake.SubmitAsync(parsed!, user.Profile());
            }

            var dispatch = view.History.FirstOrDefault(e => e.Action == CaseAction.Dispatch);
            var created = new CaseCreated(
                view.Code, view.Location.GridCode, view.Location.VillageCode, view.Location.TownshipCode, view.Location.CountyCode,
                view.Assignment?.To, dispatch?.Detail?.RuleName, view);
            return replayed ? TypedResults.Ok(created) : TypedResults.Created($"/api/cases/{view.Code}", created);
        }
        catch (CaseRefusedException e)
        {
            return Refused(e);
        }
    }

    private static async Task<IResult> ListAsync(
        ClaimsPrincipal user, RegionDirectory directory, CaseQueries queries, IGrainFactory grains, IOptions<JsonOptions> json,
        string? region, string? status, bool? mine, bool? allowed, int? page, int? pageSize, string? q = null)
    {
        if (RegionsApi.FindOrTop(region, user, directory, out var problem) is not { } top)
        {
            return problem!;
        }

        var filter = new List<CaseStatus>();
        foreach (var name in status?.Split(',', StringSplitOptions.TrimEntries) ?? [])
        {
            if (!CaseNames.TryParseStatus(name, out var s))
            {
                return Problems.BadRequest("status 须为 accepted、dispatched、in_progress、resolved、closed、archived 或 rejected（多个以逗号分隔）");
            }

            filter.Add(s);
        }

        if (page is < 1 or > 100_000 || pageSize is < 1 or > 200)
        {
            return Problems.BadRequest("page 须在 1 到 100000 之间，pageSize 须在 1 到 200 之间");
        }

        var search = q?.Trim();
        if (search is { Length: > MaxSearch })
        {
            return Problems.BadRequest($"q 不能超过 {MaxSearch} 个字");
        }

        if (allowed == true && pageSize is > MaxAllowedPage)
        {
            return Problems.BadRequest($"allowed=true 时 pageSize 不能超过 {MaxAllowedPage}");
        }

        // A department sees the cases sent to it; anyone may ask for their own unit's.
        var profile = user.Profile();
        var unit = mine == true || profile.Role == UserRole.Department
            ? profile.Role == UserRole.GridWorker && profile.WorkerId is { } w ? Grains.Dispatch.Assignee.WorkerKey(w) : profile.UnitId
            : null;
        var found = await queries.ListAsync(top.Code, filter, unit, page ?? 1, pageSize ?? 50, search: search);
        if (allowed != true)
        {
            return TypedResults.Ok(found);
        }

        // Each line with what the caller may do with its case now, as GET /api/cases/{code} answers it (one grain call a line).
        var may = await Task.WhenAll(found.Items.Select(c => AllowedAsync(grains, c.Code, user)));
        var body = JsonSerializer.SerializeToNode(found, json.Value.SerializerOptions)!.AsObject();
        var items = body["items"]!.AsArray();
        for (var i = 0; i < may.Length; i++)
        {
            items[i]!["allowed"] = JsonSerializer.SerializeToNode(may[i], json.Value.SerializerOptions);
        }

        return TypedResults.Ok(body);
    }

    private static async Task<IResult> GetAsync(string code, ClaimsPrincipal user, IGrainFactory grains, AttachmentStore attachments, IOptions<JsonOptions> json)
    {
        if (Precheck(code, user) is { } refused)
        {
            return refused;
        }

        var view = await grains.GetGrain<ICaseGrain>(code).GetAsync();
        // A case the user may not see answers exactly as one that does not exist (both read the case first).
        if (view is null || !view.VisibleTo(user.Profile()))
        {
            return Problems.NoCase(code);
        }

        // The case as the grain tells it, with its attachments (kept in their own table) alongside, and what the caller may
        // do with it now (wire names, as the action route takes them): screens offer a button only where its action is allowed.
        var body = JsonSerializer.SerializeToNode(view, json.Value.SerializerOptions)!.AsObject();
        body["attachments"] = JsonSerializer.SerializeToNode(await attachments.ListAsync(view.Code), json.Value.SerializerOptions);
        body["allowed"] = JsonSerializer.SerializeToNode(await AllowedAsync(grains, view.Code, user), json.Value.SerializerOptions);
        return TypedResults.Ok(body);
    }

    /// <summary>The wire names of the actions <paramref name="user"/> may take on the case now, decided by the case's own rules.</summary>
    private static async Task<string[]> AllowedAsync(IGrainFactory grains, string code, ClaimsPrincipal user) =>
        [.. (await grains.GetGrain<ICaseGrain>(code).AllowedAsync(user.Profile())).Select(a => a.Wire())];

    private static async Task<IResult> ActAsync(string code, string action, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!CaseNames.TryParseAction(action, out var parsedAction))
        {
            return Problems.NotFound($"没有操作 {action}（可用：dispatch、sign、progress、consult、extend、approve-extension、escalate、return、supervise、cancel-supervision、resolve、verify、revisit、archive、reject）");
        }

        if (user.Profile().Role == UserRole.Admin)
        {
            return Problems.Forbidden("管理员不处理案件");
        }

        // Scope before the body: a case out of sight (or a code that cannot be one) answers as missing whatever the body holds.
        if (await AttachmentsApi.VisibleCaseAsync(code, user, grains) is null)
        {
            return Problems.NoCase(code);
        }

        var (input, problem) = await JsonBody.ReadAsync<CaseActionInput>(request, optional: true);
        if (problem is not null)
        {
            return problem;
        }

        var (command, error) = (input ?? new CaseActionInput(null, null, null, null, null, null, null, null, null, null, null)).ToCommand(parsedAction);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        // Every action goes with a request id (the client's Idempotency-Key, or one made here): the case keeps it with the step,
        // so the same request sent again (by a client, or by the cluster when a silo died mid-call) is answered, not applied twice.
        if (!TryIdempotencyKey(request, out var key, out var badKey))
        {
            return badKey;
        }

        command = command! with { RequestId = key.Length > 0 ? key : Guid.NewGuid().ToString("N") };
        try
        {
            return TypedResults.Ok(await grains.GetGrain<ICaseGrain>(code).ActAsync(command, user.Profile()));
        }
        catch (CaseRefusedException e)
        {
            return e.Kind == RefusalKind.NotFound ? Problems.NoCase(code) : Refused(e);
        }
    }

    /// <summary>The request's <see cref="IdempotencyKey"/> ("" when it has none), or why it cannot be one.</summary>
    internal static bool TryIdempotencyKey(HttpRequest request, out string key, [NotNullWhen(false)] out IResult? problem)
    {
        key = request.Headers[IdempotencyKey].ToString();
        problem = key.Length > 100 || !TextRules.IsClean(key) || key.Contains('/', StringComparison.Ordinal)
            ? Problems.BadRequest($"{IdempotencyKey} 请求头不能超过 100 个字符，且不能包含控制字符或“/”")
            : null;
        return problem is null;
    }

    /// <summary>
    /// A case code starts with its county: codes that cannot be a case, or lie outside the user's county, answer as a case
    /// that does not exist, before asking (what decides is the code sent, never whether such a case exists).
    /// </summary>
    internal static IResult? Precheck(string code, ClaimsPrincipal user)
    {
        if (code.Length is < 15 or > 40 || code[6] != '-' || code.AsSpan(0, 6).ContainsAnyExceptInRange('0', '9'))
        {
            return Problems.NoCase(code);
        }

        var county = code[..6];
        var scope = user.ScopeCode();
        return RegionCode.IsWithin(county, scope) || RegionCode.IsWithin(scope, county) ? null : Problems.NoCase(code);
    }

    /// <summary>
    /// A refused action on a case the user may see: 409 for the case's state, 403 for the role, 400 for input. A case out
    /// of sight is refused as missing (404, <see cref="Problems.NoCase"/>), naming neither its state nor where it is.
    /// </summary>
    public static IResult Refused(CaseRefusedException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (status, title) = e.Kind switch
        {
            RefusalKind.State => (StatusCodes.Status409Conflict, "案件状态不允许此操作"),
            RefusalKind.Forbidden => (StatusCodes.Status403Forbidden, "无权进行此操作"),
            RefusalKind.NotFound => (StatusCodes.Status404NotFound, "未找到"),
            _ => (StatusCodes.Status400BadRequest, "请求无效"),
        };
        return TypedResults.Problem(e.Message, statusCode: status, title: title, extensions: new Dictionary<string, object?>
        {
            ["state"] = e.Status?.Wire(),
            ["stateName"] = e.Status?.ToChinese(),
            ["action"] = e.Action.Wire(),
            ["reason"] = e.Reason,
        });
    }
}
