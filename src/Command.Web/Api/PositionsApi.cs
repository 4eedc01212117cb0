using System.Security.Claims;
using Command.Web.Auth;
using System.Text.Json;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Grains.Workers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;

namespace Command.Web.Api;

/// <summary>
/// Positions from phones: GET/POST /osmand (the OsmAnd protocol trackers speak; the device id is the credential)
/// and POST /api/positions (a JSON batch from a gateway or the phone page). Both answer only once the positions
/// are durable. A batch with any bad position is refused whole and stores nothing.
/// </summary>
public static class PositionsApi
{
    private const int MaxErrorsListed = 20;

    public static IEndpointRouteBuilder MapPositionsApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/positions", PostBatchAsync)
            .WithTags("positions")
            .Accepts<PositionBatch>("application/json")
            .Produces<PositionsAccepted>()
            .DisableAntiforgery()
            .WithSummary("Stores a batch of positions ({\"positions\": [{\"id\", \"lat\", \"lon\", \"timestamp\", …}]}) once all are valid; answers after they are durable.");
        return api;
    }

    /// <summary>OsmAnd protocol with Traccar's extras: <c>alarm=sos</c> raises the worker's 一键报警 at the fix.</summary>
    public static IEndpointRouteBuilder MapOsmAnd(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/osmand", [HttpMethods.Get, HttpMethods.Post], OsmAndAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("positions")
            .WithSummary("OsmAnd tracker protocol: id (device id), lat, lon, timestamp, and optional speed, bearing, altitude, accuracy, batt.");
        return app;
    }

    private static async Task<IResult> OsmAndAsync(HttpContext context, RegionDirectory directory, PositionLog positions, TimeProvider time, IOptions<PositionOptions> options)
    {
        var query = context.Request.Query;
        if (context.Request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
            {
                return Problems.BadRequest($"表单格式错误：{e.Message}");
            }

            if (form.Count > 0)
            {
                query = new QueryCollection(query.Concat(form).GroupBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase));
            }
        }

        var id = query["id"].ToString();
        if (id.Length == 0)
        {
            id = query["deviceid"].ToString();
        }

        if (id.Length == 0 || directory.FindWorkerByDevice(id) is not { } worker)
        {
            return Problems.BadRequest(id.Length == 0 ? "缺少设备标识(id)" : "未知的设备标识(id)");
        }

        if (string.Equals(query["alarm"].ToString(), "sos", StringComparison.OrdinalIgnoreCase))
        {
            return await SosAsync(context, worker, query, directory, positions, time, options.Value);
        }

        var (fix, error) = Fix(worker, query, time);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        if (PositionValidator.Check(fix, directory.CountyOf(worker.GridCode), time.GetUtcNow(), options.Value) is { } refused)
        {
            return Problems.BadRequest(refused);
        }

        if (Append(positions, new ReadOnlySpan<PositionFix>(in fix), out var durable) is { } busy)
        {
            return busy;
        }

        await durable;
        return Results.Ok();
    }

    /// <summary>
    /// Traccar's and OsmAnd's SOS button: the same 一键报警 as the phone page's, raised before anything about the fix is
    /// judged. A fix that fails (unreadable, skewed clock, stale, outside the county) or a busy log costs only the position:
    /// the warning is then drawn at the worker's last known place, and the answer is still 200 so the app does not resend.
    /// </summary>
    private static async Task<IResult> SosAsync(HttpContext context, WorkerInfo worker, IQueryCollection query, RegionDirectory directory, PositionLog positions, TimeProvider time, PositionOptions rules)
    {
        var (fix, error) = Fix(worker, query, time);
        error ??= PositionValidator.Check(fix, directory.CountyOf(worker.GridCode), time.GetUtcNow(), rules);
        var id = await context.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IWorkerGrain>(worker.Id)
            .RaiseSosAsync(new SosCall($"tracker:{worker.Id}", error is null ? fix.Lat : null, error is null ? fix.Lon : null));
        if (error is null)
        {
            if (Append(positions, new ReadOnlySpan<PositionFix>(in fix), out var durable) is null)
            {
                await durable;
            }
            else
            {
                error = "位置写入繁忙";
            }
        }

        return TypedResults.Ok(new SosView(id, true, error is null ? null : $"报警已发出，但位置未被采用（{error}），按最近一次位置显示"));
    }

    /// <summary>The fix an OsmAnd request carries, or why it cannot be read.</summary>
    private static (PositionFix Fix, string? Error) Fix(WorkerInfo worker, IQueryCollection query, TimeProvider time)
    {
        if (!PositionInput.TryParseNumber(query["lat"].ToString(), out var lat) || !PositionInput.TryParseNumber(query["lon"].ToString(), out var lon))
        {
            return (default, "纬度(lat)和经度(lon)必须是数字");
        }

        long timestamp;
        var stamp = query["timestamp"].ToString();
        if (stamp.Length == 0)
        {
            timestamp = time.GetUtcNow().ToUnixTimeMilliseconds();
        }
        else if (!PositionInput.TryParseTime(stamp, out timestamp))
        {
            return (default, "时间戳(timestamp)格式错误：应为 Unix 秒、毫秒或 ISO 8601");
        }

        if (!Optional(query, "speed", out var speed) || !Optional(query, "bearing", out var bearing) || !Optional(query, "altitude", out var altitude)
            || !Optional(query, "accuracy", out var accuracy) || !Optional(query, "batt", out var battery))
        {
            return (default, "speed、bearing、altitude、accuracy、batt 必须是数字");
        }

        return (new PositionFix(worker.Id, timestamp, lat, lon, speed, bearing, altitude, accuracy, battery), null);
    }

    /// <summary>The body as a position batch, or the problem to answer (malformed JSON, or a body the server could not read).</summary>
    internal static async ValueTask<(PositionBatch? Batch, IResult? Problem)> ReadBatchAsync(HttpContext context)
    {
        try
        {
            return (await JsonSerializer.DeserializeAsync(context.Request.Body, PositionJson.Default.PositionBatch, context.RequestAborted), null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest($"请求体不是有效的位置批次 JSON：{e.Path} {e.Message}"));
        }
        catch (BadHttpRequestException e)
        {
            return (null, TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: "请求无效"));
        }
    }

    private static async Task<IResult> PostBatchAsync(HttpContext context, ClaimsPrincipal user, RegionDirectory directory, PositionLog positions, TimeProvider time, IOptions<PositionOptions> options)
    {
        var (batch, unreadable) = await ReadBatchAsync(context);
        if (unreadable is not null)
        {
            return unreadable;
        }

        var items = batch?.Positions;
        var rules = options.Value;
        if (items is null || items.Count == 0)
        {
            return Problems.BadRequest("请求体应为 {\"positions\": [...]}，且至少包含一个位置");
        }

        if (items.Count > rules.MaxBatch)
        {
            return Problems.BadRequest($"一次最多提交 {rules.MaxBatch} 个位置");
        }

        var now = time.GetUtcNow();
        var ownWorker = user.Role() == UserRole.GridWorker ? user.WorkerId() : null;
        var fixes = new PositionFix[items.Count];
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < items.Count && errors.Count < MaxErrorsListed; i++)
        {
            var error = Check(items[i], out fixes[i]);
            if (error is not null)
            {
                errors[$"positions[{i}]"] = [error];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, "没有存储任何位置：以下位置无效", title: "请求无效");
        }

        if (Append(positions, fixes, out var durable) is { } busy)
        {
            return busy;
        }

        await durable;
        return TypedResults.Ok(new PositionsAccepted(fixes.Length));

        string? Check(PositionItem? item, out PositionFix fix)
        {
            fix = default;
            if (item is null)
            {
                return "位置不能为空(null)";
            }

            // A device outside the user's scope answers as an unknown one: whether such a device exists is not told.
            if (string.IsNullOrEmpty(item.Id) || directory.FindWorkerByDevice(item.Id) is not { } worker
                || (ownWorker is not null ? worker.Id != ownWorker : !user.CanSee(worker.GridCode)))
            {
                return "未知的设备标识(id)";
            }

            if (item.Lat is not { } lat || item.Lon is not { } lon)
            {
                return "缺少纬度(lat)或经度(lon)";
            }

            if (item.Timestamp == 0)
            {
                return "缺少时间戳(timestamp)或格式错误";
            }

            fix = new PositionFix(worker.Id, item.Timestamp, lat, lon, item.Speed ?? double.NaN, item.Bearing ?? double.NaN,
                item.Altitude ?? double.NaN, item.Accuracy ?? double.NaN, item.Batt ?? double.NaN);
            return PositionValidator.Check(fix, directory.CountyOf(worker.GridCode), now, rules);
        }
    }

    /// <summary>Hands the fixes to the log; the task completes when they are durable. A full log answers 503.</summary>
    internal static IResult? Append(PositionLog positions, ReadOnlySpan<PositionFix> fixes, out Task durable)
    {
        try
        {
            durable = positions.AppendAsync(fixes);
            return null;
        }
        catch (PositionLogBusyException e)
        {
            durable = Task.CompletedTask;
            return Problems.Unavailable($"位置写入繁忙，请稍后重试（{e.Message}）");
        }
    }

    private static bool Optional(IQueryCollection query, string name, out double value)
    {
        var text = query[name].ToString();
        value = double.NaN;
        return text.Length == 0 || PositionInput.TryParseNumber(text, out value);
    }
}
