using System.Security.Claims;
using System.Security.Cryptography;
using Command.Grains.Attachments;
using Command.Grains.Orders;
using Command.Grains.Regions;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Orleans;

namespace Command.Web.Api;

/// <summary>
/// What an issuer sends: receiver keys (unit ids or worker-{id}), the text, optional cases, place and limits, and the ids of
/// files uploaded first to POST /api/orders/attachments.
/// </summary>
public sealed record OrderInput(
    IReadOnlyList<string>? Targets, string? Text, IReadOnlyList<string>? CaseCodes, double? Lat, double? Lon, DateTimeOffset? SignBy, DateTimeOffset? FeedbackBy,
    IReadOnlyList<string>? Attachments = null);

/// <summary>A report back: text and the ids of photos uploaded to the order (POST /api/orders/{id}/photos).</summary>
public sealed record OrderFeedbackInput(string? Text, IReadOnlyList<string>? Photos);

/// <summary>
/// 调度指令: POST /api/orders (issue), POST /api/orders/attachments (a file for an order about to be issued), GET /api/orders
/// (issued or received), GET /api/orders/targets (whom the caller may reach), GET /api/orders/{id}, POST /api/orders/{id}/sign,
/// /feedback and /photos. The role is checked before anything
/// else; an order the caller may not see answers exactly as one that does not exist.
/// </summary>
public static class OrdersApi
{
    /// <summary>Files of an order are kept with the attachments, under this owner prefix instead of a case code.</summary>
    public const string AttachmentOwner = OrderAttachments.OrderPrefix;

    private const int MaxText = 2000;
    private const int MaxCases = 10;
    private const int MaxPhotos = 9;
    private const int MaxAttachments = 9;

    /// <summary>The most files (and bytes) a user may hold uploaded for orders not yet issued.</summary>
    internal const int MaxDrafts = 20;
    internal const long MaxDraftBytes = 100L * 1024 * 1024;

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("orders");
        orders.MapPost("/", IssueAsync)
            .Accepts<OrderInput>("application/json")
            .Produces<OrderView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Issues a dispatch order (调度指令) to receivers the caller may reach (leader, duty officer; a township center to its own villages and workers); pushed to each at once.");
        orders.MapPost("/attachments", AttachAsync)
            .DisableAntiforgery()
            .Accepts<AttachmentUpload>("multipart/form-data")
            .Produces<AttachmentInfo>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("A file for an order the caller is about to issue (leader, duty officer, township center): multipart/form-data with one 'file' part, JPEG/PNG/WebP/PDF by content, at most 10 MB; name its id in the order's attachments. Readable once an order holds it, by those who see the order.");
        orders.MapGet("/", ListAsync)
            .Produces<IReadOnlyList<OrderView>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Orders the caller's unit issued (box=issued) or received (box=received), newest first; default: issued for issuers, received for the rest.");
        orders.MapGet("/targets", TargetsAsync)
            .Produces<IReadOnlyList<OrderTargetRef>>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Every receiver the caller may send an order to: township centers, villages, departments, grid workers.");
        orders.MapGet("/{id}", GetAsync)
            .Produces<OrderView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("An order with each receiver's state and its history; a receiver reads only its own line.");
        orders.MapPost("/{id}/sign", SignAsync)
            .Produces<OrderView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("签收 by the receiver the caller is; again changes nothing.");
        orders.MapPost("/{id}/feedback", FeedbackAsync)
            .Accepts<OrderFeedbackInput>("application/json")
            .Produces<OrderView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("反馈 by the receiver the caller is, after signing: text and photo ids uploaded to the order.")
            .WithDescription($"With an {CasesApi.IdempotencyKey} header, resending the same key answers the order as it is instead of keeping the report back twice.");
        orders.MapPost("/{id}/photos", PhotoAsync)
            .DisableAntiforgery()
            .Accepts<AttachmentUpload>("multipart/form-data")
            .Produces<AttachmentInfo>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("A photo for a report back, by a receiver: multipart/form-data with one 'file' part, JPEG/PNG/WebP/PDF by content, at most 10 MB.");
        return api;
    }

    private static async Task<IResult> IssueAsync(
        HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, RegionDirectory directory, AttachmentStore store, IOptions<OrderOptions> options, TimeProvider time)
    {
        var profile = user.Profile();
        if (!OrderAccess.MayIssue(profile.Role))
        {
            return Problems.Forbidden("只有领导、值班员和乡镇综治中心可以下达调度指令");
        }

        var (input, problem) = await JsonBody.ReadAsync<OrderInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var (order, error) = await IssueOrderAsync(user, input!, grains, directory, store, options.Value, time);
        return order is not null ? TypedResults.Created($"/api/orders/{order.Id}", order) : Problems.BadRequest(error!);
    }

    /// <summary>
    /// Checks an issuer's input (receivers within reach, text, cases they may see, place, limits) and issues the order; the
    /// API and the console both come here. Answers the order, or what is wrong in Chinese (and nothing was written).
    /// </summary>
    internal static async Task<(OrderView? Order, string? Error)> IssueOrderAsync(
        ClaimsPrincipal user, OrderInput input, IGrainFactory grains, RegionDirectory directory, AttachmentStore store, OrderOptions o, TimeProvider time)
    {
        var profile = user.Profile();
        var keys = input.Targets ?? [];
        if (keys.Count == 0 || keys.Count > o.MaxTargets)
        {
            return (null, $"请选择 1 到 {o.MaxTargets} 个接收对象(targets)");
        }

        var targets = new List<OrderTargetRef>();
        for (var i = 0; i < keys.Count; i++)
        {
            // Missing and out of reach read alike, naming only the position in the list.
            if (OrderAccess.Reach(profile, keys[i] ?? "", directory) is not { } target)
            {
                return (null, $"第 {i + 1} 个接收对象不存在或不能向其下达指令");
            }

            if (targets.Any(t => t.Key == target.Key))
            {
                return (null, $"第 {i + 1} 个接收对象重复");
            }

            targets.Add(target);
        }

        var text = input.Text?.Trim() ?? "";
        if (text.Length is 0 or > MaxText)
        {
            return (null, $"请填写指令内容(text)，不超过 {MaxText} 个字");
        }

        var cases = input.CaseCodes ?? [];
        if (cases.Count > MaxCases)
        {
            return (null, $"关联案件不能超过 {MaxCases} 个");
        }

        foreach (var code in cases)
        {
            if (await AttachmentsApi.VisibleCaseAsync(code ?? "", user, grains) is null)
            {
                return (null, $"关联案件 {Problems.Shown(code ?? "")} 不存在");
            }
        }

        if (input.Lat is null != input.Lon is null || input.Lat is < -90 or > 90 || input.Lon is < -180 or > 180)
        {
            return (null, "位置须同时给出纬度(lat)和经度(lon)，且在有效范围内");
        }

        var files = (input.Attachments ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (files.Count > MaxAttachments)
        {
            return (null, $"附件不能超过 {MaxAttachments} 个");
        }

        var attachments = new List<OrderAttachment>();
        foreach (var file in files)
        {
            // Only the issuer's own uploads not yet taken by an order; anything else reads as missing.
            if (file is not { Length: >= 10 and <= 40 } || await store.GetAsync(file) is not { } found || found.CaseCode != OrderAttachments.DraftOwner(profile.UserName))
            {
                return (null, $"附件 {Problems.Shown(file ?? "")} 不存在：请先上传到 /api/orders/attachments");
            }

            attachments.Add(new OrderAttachment(found.Info.Id, found.Info.Name, found.Info.ContentType, found.Info.Size, found.Info.Url));
        }

        var now = time.GetUtcNow();
        var signBy = input.SignBy ?? now + o.SignWithin;
        var feedbackBy = input.FeedbackBy ?? (signBy > now + o.FeedbackWithin ? signBy : now + o.FeedbackWithin);
        if (signBy <= now || signBy > now + o.MaxLimit || feedbackBy < signBy || feedbackBy > now + o.MaxLimit)
        {
            return (null, $"签收时限(signBy)须晚于现在，反馈时限(feedbackBy)不早于签收时限，且都在 {o.MaxLimit.TotalDays:0} 天之内");
        }

        try
        {
            var order = await grains.GetGrain<IOrderGrain>(NewId()).IssueAsync(
                new OrderIssue(targets, text, [.. cases.Distinct(StringComparer.Ordinal)], input.Lat, input.Lon, signBy, feedbackBy, attachments), profile);
            return (order, null);
        }
        catch (OrderRefusedException e) when (e.Kind is OrderRefusal.State or OrderRefusal.Invalid)
        {
            // A draft attachment another order took in the meantime: nothing of this order was kept.
            return (null, e.Reason);
        }
    }

    private static async Task<IResult> AttachAsync(HttpRequest request, ClaimsPrincipal user, AttachmentStore store)
    {
        var profile = user.Profile();
        if (!OrderAccess.MayIssue(profile.Role))
        {
            return Problems.Forbidden("只有领导、值班员和乡镇综治中心可以下达调度指令");
        }

        // Drafts not yet taken by an order are capped per user (and deleted after a day by the draft sweep).
        var owner = OrderAttachments.DraftOwner(profile.UserName);
        var (count, bytes) = await store.TotalAsync(owner);
        if (count >= MaxDrafts || bytes >= MaxDraftBytes)
        {
            return DraftsFull();
        }

        var (file, problem) = await AttachmentsApi.ReadFileAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        if (bytes + file!.Value.Content.Length > MaxDraftBytes)
        {
            return DraftsFull();
        }

        var info = await store.AddAsync(owner, file.Value.Name, file.Value.ContentType, file.Value.Content, user.UserName());
        return TypedResults.Created(info.Url, info);
    }

    private static IResult DraftsFull() => Problems.BadRequest(
        $"待下达指令的附件过多：最多 {MaxDrafts} 个、共 {MaxDraftBytes / (1024 * 1024)} MB。请先下达指令，或等待一天后未使用的附件自动清除");

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, OrderStore store, string? box = null, CancellationToken cancellationToken = default)
    {
        var profile = user.Profile();
        if (OrderAccess.KeyOf(profile) is not { } key)
        {
            return Problems.Forbidden("管理员没有调度指令");
        }

        var issued = box switch
        {
            null or "" => OrderAccess.MayIssue(profile.Role),
            "issued" => true,
            "received" => false,
            _ => (bool?)null,
        };
        if (issued is null)
        {
            return Problems.BadRequest("box 只能是 issued 或 received");
        }

        if (issued.Value)
        {
            return TypedResults.Ok(OrderAccess.MayIssue(profile.Role) ? await store.IssuedByAsync(profile.UnitId, cancellationToken) : []);
        }

        return TypedResults.Ok((await store.ReceivedByAsync(key, cancellationToken)).Select(o => OrderViews.ForReceiver(o, key)).ToList());
    }

    private static IResult TargetsAsync(ClaimsPrincipal user, RegionDirectory directory)
    {
        var profile = user.Profile();
        return OrderAccess.MayIssue(profile.Role)
            ? TypedResults.Ok(OrderAccess.Reachable(profile, directory))
            : Problems.Forbidden("只有领导、值班员和乡镇综治中心可以下达调度指令");
    }

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        Refusal(user) ?? (await VisibleOrderAsync(id, user, grains) is { } view ? TypedResults.Ok(view) : NoOrder(id));

    private static async Task<IResult> SignAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Refusal(user) is { } refused)
        {
            return refused;
        }

        if (!IsId(id))
        {
            return NoOrder(id);
        }

        try
        {
            var profile = user.Profile();
            return TypedResults.Ok(OrderViews.For(await grains.GetGrain<IOrderGrain>(id).SignAsync(profile), profile));
        }
        catch (OrderRefusedException e)
        {
            return Refused(id, e);
        }
    }

    private static async Task<IResult> FeedbackAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, AttachmentStore attachments)
    {
        // The role and the order's sight before the body is read.
        if (Refusal(user) is { } refused)
        {
            return refused;
        }

        if (await VisibleOrderAsync(id, user, grains) is null)
        {
            return NoOrder(id);
        }

        var (input, problem) = await JsonBody.ReadAsync<OrderFeedbackInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        var text = input!.Text?.Trim() ?? "";
        if (text.Length is 0 or > MaxText)
        {
            return Problems.BadRequest($"请填写反馈内容(text)，不超过 {MaxText} 个字");
        }

        var photos = (input.Photos ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (photos.Count > MaxPhotos)
        {
            return Problems.BadRequest($"照片不能超过 {MaxPhotos} 张");
        }

        foreach (var photo in photos)
        {
            if (photo is not { Length: >= 10 and <= 40 } || await attachments.GetAsync(photo) is not { } file || file.CaseCode != AttachmentOwner + id)
            {
                return Problems.BadRequest($"照片 {Problems.Shown(photo ?? "")} 不存在：请先上传到 /api/orders/{id}/photos");
            }
        }

        // With an Idempotency-Key (as case actions take it) the same report back sent again is answered, not kept twice.
        if (!CasesApi.TryIdempotencyKey(request, out var key, out var badKey))
        {
            return badKey;
        }

        try
        {
            var profile = user.Profile();
            var feedback = new OrderFeedback(text, photos, key.Length > 0 ? key : null);
            return TypedResults.Ok(OrderViews.For(await grains.GetGrain<IOrderGrain>(id).FeedbackAsync(feedback, profile), profile));
        }
        catch (OrderRefusedException e)
        {
            return Refused(id, e);
        }
    }

    private static async Task<IResult> PhotoAsync(string id, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, AttachmentStore store)
    {
        if (Refusal(user) is { } refused)
        {
            return refused;
        }

        if (await VisibleOrderAsync(id, user, grains) is not { } view)
        {
            return NoOrder(id);
        }

        if (OrderAccess.KeyOf(user.Profile()) is not { } key || view.Targets.All(t => t.Key != key))
        {
            return TypedResults.Problem("只有接收对象可以为反馈上传照片", statusCode: StatusCodes.Status403Forbidden, title: "无权进行此操作");
        }

        var (file, problem) = await AttachmentsApi.ReadFileAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        var info = await store.AddAsync(AttachmentOwner + id, file!.Value.Name, file.Value.ContentType, file.Value.Content, user.UserName());
        return TypedResults.Created(info.Url, info);
    }

    /// <summary>The order as the caller reads it when it exists and they may see it; null otherwise (both alike).</summary>
    internal static async Task<OrderView?> VisibleOrderAsync(string id, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!IsId(id))
        {
            return null;
        }

        var profile = user.Profile();
        return await grains.GetGrain<IOrderGrain>(id).GetAsync(profile) is { } view ? OrderViews.For(view, profile) : null;
    }

    /// <summary>22 URL-safe characters: 128 random bits.</summary>
    public static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool IsId(string id) => id.Length == 22 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static IResult? Refusal(ClaimsPrincipal user) =>
        OrderAccess.KeyOf(user.Profile()) is null ? Problems.Forbidden("管理员没有调度指令") : null;

    private static IResult NoOrder(string id) => Problems.NotFound($"没有调度指令 {Problems.Shown(id)}");

    private static IResult Refused(string id, OrderRefusedException e) => e.Kind switch
    {
        OrderRefusal.NotFound => NoOrder(id),
        OrderRefusal.Forbidden => TypedResults.Problem(e.Reason, statusCode: StatusCodes.Status403Forbidden, title: "无权进行此操作"),
        OrderRefusal.State => TypedResults.Problem(e.Reason, statusCode: StatusCodes.Status409Conflict, title: "指令状态不允许此操作"),
        _ => Problems.BadRequest(e.Reason),
    };
}
