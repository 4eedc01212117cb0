using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Command.Web.Hosting;

/// <summary>
/// A request the framework could not read (a query or route value of the wrong type, a body that is not JSON, of another
/// content type, too large or cut short) answers its own 4xx in every environment, as problem details in Chinese that name
/// the parameter. Minimal APIs throw these (RouteHandlerOptions.ThrowOnBadRequest) so that they all end here; without
/// this handler Development turned them into 500. Nothing ran, so nothing changed.
/// </summary>
internal sealed partial class BadRequests(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => Explain(bad),

            // A form the client cut short or garbled (a multipart body without its closing boundary): its fault, not ours.
            InvalidDataException or IOException when httpContext.Request.HasFormContentType && !httpContext.RequestAborted.IsCancellationRequested =>
                (StatusCodes.Status400BadRequest, "请求无效", "表单内容不完整或格式不正确。"),
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>The title and detail users read; the framework's English message only lends the parameter's name.</summary>
    internal static (int Status, string Title, string Detail) Explain(BadHttpRequestException bad)
    {
        var (title, detail) = Text(bad);
        return (bad.StatusCode, title, detail);
    }

    private static (string Title, string Detail) Text(BadHttpRequestException bad)
    {
        var name = ParameterName().Match(bad.Message) is { Success: true } m ? m.Groups[1].Value : null;
        return bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => ("请求过大", "请求体超过了允许的大小。"),
            StatusCodes.Status415UnsupportedMediaType => ("不支持的内容类型", "请以 JSON 提交（Content-Type: application/json）。"),
            StatusCodes.Status400BadRequest when bad.InnerException is JsonException json => ("请求无效", Json(json)),
            StatusCodes.Status400BadRequest when bad.Message.StartsWith("Required parameter", StringComparison.Ordinal) && name is not null =>
                ("请求无效", $"缺少参数 {name}。"),
            StatusCodes.Status400BadRequest when bad.Message.Contains("request body", StringComparison.OrdinalIgnoreCase) =>
                ("请求无效", "请求体不是有效的 JSON。"),
            StatusCodes.Status400BadRequest when name is not null => ("请求无效", $"参数 {name} 的值格式不正确。"),
            StatusCodes.Status400BadRequest => ("请求无效", "请求的格式不正确。"),
            _ => ("请求无效", $"请求未能完成（{bad.StatusCode}）。"),
        };
    }

    /// <summary>What is wrong with a JSON body, with where (the JSON path) when the reader knows it.</summary>
    internal static string Json(JsonException e)
    {
        var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $"（位置 {e.Path}）";
        return e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase)
            ? $"请求体中有重复的键（键名不区分大小写）{where}。"
            : $"请求体不是有效的 JSON，或其中的值类型不符{where}。";
    }

    // "Failed to bind parameter "int page" from "abc"." and "Required parameter "string code" was not provided from route."
    [GeneratedRegex("parameter \"[^\"]* ([A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex ParameterName();
}
