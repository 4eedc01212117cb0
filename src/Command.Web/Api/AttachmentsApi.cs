using System.Security.Claims;
using Command.Grains.Attachments;
using Command.Grains.Cases;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Orleans;

namespace Command.Web.Api;

/// <summary>
/// POST /api/cases/{code}/attachments (multipart, one "file" part) and GET /api/attachments/{id}. Only someone who may
/// see the case adds to it or reads from it; to anyone else a case or attachment out of their sight is simply not there.
/// </summary>
public static class AttachmentsApi
{
    // Room for the multipart boundaries and headers around one file of the largest size.
    private const int MultipartOverhead = 64 * 1024;

    public static IEndpointRouteBuilder MapAttachmentsApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/cases/{code}/attachments", UploadAsync)
            .WithTags("attachments")
            .DisableAntiforgery()
            .Accepts<AttachmentUpload>("multipart/form-data")
            .Produces<AttachmentInfo>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Adds a photo or document to a case: multipart/form-data with one 'file' part, JPEG/PNG/WebP/PDF by content, at most 10 MB.");
        api.MapGet("/attachments/{id}", DownloadAsync)
            .WithTags("attachments")
            .Produces<Stream>(StatusCodes.Status200OK, "image/jpeg", "image/png", "image/webp", "application/pdf")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("An attachment's content, to those who may see its case.");
        return api;
    }

    private static async Task<IResult> UploadAsync(string code, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, AttachmentStore store)
    {
        // The case and the user's sight of it are checked before the body is read.
        if (await VisibleCaseAsync(code, user, grains) is not { } view)
        {
            return Problems.NoCase(code);
        }

        if (view.Status == CaseStatus.Archived)
        {
            return TypedResults.Problem("案件已归档，不能再添加附件", statusCode: StatusCodes.Status409Conflict, title: "案件状态不允许此操作");
        }

        var (upload, problem) = await ReadFileAsync(request);
        if (problem is not null)
        {
            return problem;
        }

        var info = await store.AddAsync(view.Code, upload!.Value.Name, upload.Value.ContentType, upload.Value.Content, user.UserName());
        return TypedResults.Created(info.Url, info);
    }

    /// <summary>The one "file" part of a multipart upload, checked (size, kind by content) and named; or the problem with it.</summary>
    internal static async Task<((string Name, string ContentType, byte[] Content)? File, IResult? Problem)> ReadFileAsync(HttpRequest request)
    {
        if (request.ContentLength > AttachmentContent.MaxBytes + MultipartOverhead)
        {
            return (null, TooLarge());
        }

        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.BadRequest("请以 multipart/form-data 上传，文件放在 file 字段"));
        }

        IFormFile? file;
        try
        {
            var form = await new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = AttachmentContent.MaxBytes + MultipartOverhead })
                .ReadFormAsync(request.HttpContext.RequestAborted);
            file = form.Files.GetFile("file");
        }
        catch (InvalidDataException)
        {
            return (null, TooLarge());
        }
        catch (BadHttpRequestException e)
        {
            return (null, TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: "请求无效"));
        }

        if (file is null || file.Length == 0)
        {
            return (null, Problems.BadRequest("请在 file 字段上传一个非空文件"));
        }

        if (file.Length > AttachmentContent.MaxBytes)
        {
            return (null, TooLarge());
        }

        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(content, request.HttpContext.RequestAborted);
        }

        if (AttachmentContent.Sniff(content.AsSpan(0, Math.Min(content.Length, AttachmentContent.HeaderBytes))) is not { } contentType)
        {
            return (null, TypedResults.Problem($"只接受{AttachmentContent.Accepted}（按文件内容判断，与文件名无关）",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "文件类型不支持"));
        }

        return ((AttachmentContent.CleanName(file.FileName, contentType), contentType, content), null);
    }

    private static async Task<IResult> DownloadAsync(string id, ClaimsPrincipal user, IGrainFactory grains, AttachmentStore store, HttpResponse response)
    {
        // An attachment of a case the user may not see answers exactly as one that does not exist.
        if (id.Length is < 10 or > 40 || await store.GetAsync(id) is not { } file
            || (file.CaseCode.StartsWith(OrdersApi.AttachmentOwner, StringComparison.Ordinal)
                ? await OrdersApi.VisibleOrderAsync(file.CaseCode[OrdersApi.AttachmentOwner.Length..], user, grains) is null
                : await VisibleCaseAsync(file.CaseCode, user, grains) is null))
        {
            return Problems.NotFound($"没有附件 {id}");
        }

        response.Headers.XContentTypeOptions = "nosniff";

        // Shown in the browser (a PDF inline), but in a sandbox: an uploaded document runs no script with our origin.
        response.Headers.ContentSecurityPolicy = "sandbox";
        response.Headers.CacheControl = "private, max-age=86400";
        var disposition = new ContentDispositionHeaderValue("inline");
        disposition.SetHttpFileName(file.Info.Name);
        response.Headers.ContentDisposition = disposition.ToString();
        return TypedResults.File(file.Content, file.Info.ContentType);
    }

    /// <summary>The case when it exists and the user may see it; null otherwise (both look the same to the caller).</summary>
    internal static async Task<CaseView?> VisibleCaseAsync(string code, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (CasesApi.Precheck(code, user) is not null)
        {
            return null;
        }

        var view = await grains.GetGrain<ICaseGrain>(code).GetAsync();
        return view is not null && view.VisibleTo(user.Profile()) ? view : null;
    }

    private static IResult TooLarge() => TypedResults.Problem(
        $"附件不能超过 {AttachmentContent.MaxBytes / 1024 / 1024} MB", statusCode: StatusCodes.Status413PayloadTooLarge, title: "文件过大");
}
