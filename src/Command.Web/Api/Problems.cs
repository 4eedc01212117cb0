using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Command.Web;

/// <summary>RFC 7807 answers with titles users can read.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "请求无效");

    public static ProblemHttpResult Unauthorized(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "未登录或登录失败");

    public static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "无权访问");

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "未找到");

    public static ProblemHttpResult Unavailable(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "服务暂不可用");

    /// <summary>
    /// What a case that does not exist answers, and so also one the user may not see: the same status, title and detail,
    /// naming nothing but the code the caller sent.
    /// </summary>
    public static ProblemHttpResult NoCase(string code) => NotFound($"没有案件 {Shown(code)}");

    /// <summary>A region that does not exist, or lies outside the user's scope: the two answer alike.</summary>
    public static ProblemHttpResult NoRegion(string code) => NotFound($"区划 {Shown(code)} 不存在");

    /// <summary>A value the caller sent, cut short enough to echo.</summary>
    public static string Shown(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
