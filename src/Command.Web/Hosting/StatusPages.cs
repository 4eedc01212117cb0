using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Command.Web.Hosting;

/// <summary>
/// What an error status without a body says. A browser that asks for a page (Accept: text/html, outside /api and
/// /hubs) gets a small Chinese page with a way back; everything else (API clients, scripts) gets problem details, in
/// Chinese too.
/// </summary>
internal static class StatusPages
{
    private static readonly Dictionary<int, (string Title, string Detail)> Texts = new()
    {
        [StatusCodes.Status400BadRequest] = ("请求无效", "请求的格式不正确。"),
        [StatusCodes.Status401Unauthorized] = ("未登录", "请先登录。"),
        [StatusCodes.Status403Forbidden] = ("无权访问", "您没有访问该地址的权限。"),
        [StatusCodes.Status404NotFound] = ("未找到", "没有这个页面或地址。"),
        [StatusCodes.Status405MethodNotAllowed] = ("不支持的请求方法", "该地址不支持这种请求方法。"),
        [StatusCodes.Status415UnsupportedMediaType] = ("不支持的内容类型", "请以 JSON 提交。"),
        [StatusCodes.Status503ServiceUnavailable] = ("服务暂不可用", "系统正在启动，请稍后重试。"),
    };

    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var (title, detail) = Texts.TryGetValue(status, out var text) ? text : ("请求失败", $"请求未能完成（{status}）。");
        if (WantsPage(http.Request))
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(Page(status, title, detail));
            return;
        }

        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static bool WantsPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && !request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/hubs")
        && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    // The look of the sign-in page (App.razor), without anything from the request in it.
    private static string Page(int status, string title, string detail) => $$"""
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1.0" />
        <title>{{title}} - 综治中心指挥调度平台</title>
        <style>
            :root { color-scheme: dark; }
            body { margin: 0; min-height: 100vh; background: radial-gradient(circle at 50% 0%, #0b2a5b 0%, #020b1f 70%); color: #d6e6ff;
                   font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
            .plain { box-sizing: border-box; width: min(420px, calc(100% - 32px)); margin: 14vh auto; padding: 32px 28px; border: 1px solid #1f4d8f;
                     background: rgba(10, 40, 90, .55); border-radius: 8px; }
            h1 { margin: 0 0 20px; font-size: 22px; letter-spacing: 4px; text-align: center; color: #7fd3ff; text-shadow: 0 0 12px #1e90ff; }
            p { color: #ffd27f; line-height: 1.6; margin: 0 0 24px; }
            a { display: block; padding: 10px; text-align: center; color: #d6e6ff; background: #0d3b7a; border: 1px solid #2a6fc9; border-radius: 4px; text-decoration: none; }
        </style>
        </head>
        <body>
        <div class="plain"><h1>{{title}}</h1><p>{{status}}：{{detail}}</p><a href="/">返回首页</a></div>
        </body>
        </html>
        """;
}
