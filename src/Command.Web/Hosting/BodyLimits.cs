using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Command.Web.Hosting;

/// <summary>
/// A route's own body limit (<see cref="IRequestSizeLimitMetadata"/>, e.g. 64 KB for a tracker's fix): applied after the
/// role checks, before anything reads the body. A declared length beyond it is answered 413 at once; a body sent without
/// one is cut off by the server's limit, which reading turns into the same 413.
/// </summary>
internal static class BodyLimits
{
    public static Task Check(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { MaxRequestBodySize: { } max })
        {
            if (context.Request.ContentLength > max)
            {
                return TypedResults.Problem(
                    $"请求体不能超过 {Size(max)}", statusCode: StatusCodes.Status413PayloadTooLarge, title: "请求过大").ExecuteAsync(context);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = max;
            }
        }

        return next(context);
    }

    private static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes / 1024} KB";
}
