using System.Security.Claims;
using Command.Web.Auth;
using System.Text.Json;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Grains.Workers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

    /// <summary>The largest positions batch body: room for <see cref="PositionOptions.MaxBatch"/>'s default of 10,000 fixes.</summary>
    public const int MaxBatchBytes = 4 * 1024 * 1024;

    /// <summary>The largest tracker request body (one fix, as a form or the Traccar Client's JSON).</summary>
    public const int MaxTrackerBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapPositionsApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/positions", PostBatchAsync)
            .WithTags("positions")
            .Accepts<PositionBatch>("application/json")
            .Produces<PositionsAccepted>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBatchBytes))
            .DisableAntiforgery()
            .WithSummary("Stores a batch of positions ({\"positions\": [{\"id\", \"lat\", \"lon\", \"timestamp\", …}]}) once all are valid; answers after they are durable.");
        return api;
    }

    /// <summary>
    /// OsmAnd protocol with Traccar's extras, and the Traccar Client's JSON body. A request without a position is answered
    /// 200 and stores nothing, as Traccar answers it; <c>alarm=sos</c> raises the worker's 一键报警 at the fix.
    /// </summary>
    public static IEndpointRouteBuilder MapOsmAnd(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/osmand", [HttpMethods.Get, HttpMethods.Post], OsmAndAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("positions")
            .Produces(StatusCodes.Status200OK)
            .Produces<TrackerFixRefused>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithMetadata(new RequestSizeLimitAttribute(MaxTrackerBytes))
            .WithSummary("OsmAnd tracker protocol (query or form): id (device id), lat and lon or location=lat,lon, timestamp, and optional speed (knots), "
                + "bearing or heading, altitude, accuracy, batt, alarm=sos; or the Traccar Client's JSON {\"device_id\", \"location\": {\"timestamp\", \"coords\": {…}, …}} (speed in m/s).");
        return app;
    }

    private static async Task<IResult> OsmAndAsync(HttpContext context, RegionDirectory directory, PositionLog positions, TimeProvider time, IOptions<PositionOptions> options)
    {
        var query = context.Request.Query;
        TraccarLocation? json = null;
        var id = TrackerInput.DeviceId(query);
        // A JSON content type with nothing in the body (some clients set it on every request) reads the query instead.
        var traccar = context.Request.HasJsonContentType() && context.Request.ContentLength is not 0;
        if (traccar)
        {
            var (body, unreadable) = await ReadTraccarAsync(context);
            if (unreadable is not null)
            {
                return unreadable;
            }

            json = body?.Location;
            id = body?.DeviceId is { Length: > 0 } deviceId ? deviceId : id;
        }
        else if (context.Request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (BadHttpRequestException e)
            {
                return TypedResults.Problem("表单无法读取（过大或不完整），没有存储任何位置", statusCode: e.StatusCode, title: "请求无效");
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                // A truncated or malformed multipart body ends the reader with an IOException ("Unexpected end of Stream").
                return Problems.BadRequest("表单(form-data)不完整或格式错误，没有存储任何位置");
            }

            if (form.Count > 0)
            {
                query = new QueryCollection(query.Concat(form).GroupBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase));
                id = TrackerInput.DeviceId(query);
            }
        }

        if (id.Length == 0 || directory.FindWorkerByDevice(id) is not { } worker)
        {
            return Problems.BadRequest(id.Length == 0 ? "缺少设备标识(id 或 device_id)" : "未知的设备标识(id)");
        }

        var now = time.GetUtcNow();
        var reading = traccar
            ? TrackerInput.FromTraccar(worker.Id, json, now.ToUnixTimeMilliseconds())
            : TrackerInput.FromOsmAnd(worker.Id, query, now.ToUnixTimeMilliseconds());
        if (TrackerInput.IsSos(query["alarm"].ToString()) || TrackerInput.IsSos(json?.Extras?.Alarm))
        {
            return await SosAsync(context, worker, reading, directory, positions, now, options.Value);
        }

        if (!reading.HasPosition)
        {
            return reading.Error is { } error ? Problems.BadRequest(error) : Results.Ok(); // no position: accepted, nothing stored (as Traccar)
        }

        var fix = reading.Fix;
        if (PositionValidator.Check(fix, directory.CountyOf(worker.GridCode), now, options.Value) is { } refused)
        {
            // A readable fix from a known device that we do not take (stale, from a skewed clock, outside the county) is
            // answered 200, as Traccar answers it: tracker apps resend a refused record forever, and every fix queued behind
            // it would never arrive. The answer says it was not stored and why; the log keeps it for the admin.
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Command.Web.Trackers")
                .LogInformation("Tracker fix of worker {WorkerId} not stored: {Reason}", worker.Id, refused);
            return TypedResults.Ok(new TrackerFixRefused(false, refused));
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
    /// judged. A fix that fails (missing, unreadable, skewed clock, stale, outside the county) or a busy log costs only the
    /// position: the warning is then drawn at the worker's last known place, and the answer is still 200 so the app does
    /// not resend. While the worker's SOS is active, another one moves it rather than raising a second.
    /// </summary>
    private static async Task<IResult> SosAsync(HttpContext context, WorkerInfo worker, TrackerFix reading, RegionDirectory directory, PositionLog positions, DateTimeOffset now, PositionOptions rules)
    {
        var fix = reading.Fix;
        var error = reading.Missing ? "请求未带位置" : reading.Error ?? PositionValidator.Check(fix, directory.CountyOf(worker.GridCode), now, rules);
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

    /// <summary>The Traccar Client's JSON body, or the problem to answer.</summary>
    private static async ValueTask<(TraccarBody? Body, IResult? Problem)> ReadTraccarAsync(HttpContext context)
    {
        try
        {
            return (await JsonSerializer.DeserializeAsync(context.Request.Body, TraccarJson.Default.TraccarBody, context.RequestAborted), null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest($"请求体不是有效的 Traccar 位置 JSON，没有存储任何位置：{Hosting.BadRequests.Json(e)}"));
        }
        catch (BadHttpRequestException e)
        {
            return (null, TypedResults.Problem("请求体无法读取（过大或不完整），没有存储任何位置", statusCode: e.StatusCode, title: "请求无效"));
        }
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
            return (null, Problems.BadRequest($"请求体不是有效的位置批次 JSON：{Hosting.BadRequests.Json(e)}"));
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
}
