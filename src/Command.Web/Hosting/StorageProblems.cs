using Command.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Command.Web.Hosting;

/// <summary>
/// A write that did not commit is not a server fault to the user: a conflict that survived its retries answers 409, a
/// database that cannot be reached answers 503 with Retry-After, both as problem details in Chinese. Nothing was stored.
/// </summary>
internal sealed class StorageProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            StorageConflictException => (StatusCodes.Status409Conflict, "数据正被同时修改", "这条记录刚被另一处修改，本次操作未保存。请刷新后重试。"),
            StorageException => (StatusCodes.Status503ServiceUnavailable, "暂时无法保存", "数据库暂时不可用，本次操作未保存。请稍后重试。"),
            _ => (0, null, null),
        };
        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
