using Microsoft.AspNetCore.Http;

namespace Command.Web.Auth;

/// <summary>
/// Requests that ride on the sign-in cookie must come from our own pages. The cookie is SameSite=Lax, which stops other
/// sites but not a sibling site under the same domain; so a cookie-authenticated write to the API must carry a header no
/// plain form can set, and the hub's WebSocket must come from a page of this host. Bearer-token callers are not affected.
/// </summary>
internal static class CrossSiteGuard
{
    public const string Header = "X-Command-Csrf";

    public static Task Check(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!request.Cookies.ContainsKey(AuthExtensions.CookieName) || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        if (request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase) && !FromThisHost(request))
        {
            return Problems.Forbidden("实时连接只接受本站页面发起").ExecuteAsync(context);
        }

        var write = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
        if (write && request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && !request.Headers.ContainsKey(Header))
        {
            return Problems.Forbidden($"请从本系统页面操作（浏览器请求缺少 {Header} 请求头）").ExecuteAsync(context);
        }

        return next(context);
    }

    /// <summary>No Origin (not a browser's cross-origin request), or one whose host is ours (the port may differ behind a proxy).</summary>
    private static bool FromThisHost(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase));
    }
}
