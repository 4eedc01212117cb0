using System.Globalization;
using System.Text.Json;
using Command.Grains.Cases;
using Microsoft.AspNetCore.Http;

namespace Command.Web.Api;

/// <summary>The body of POST /api/cases. Enumerations arrive as text so a wrong value gets a Chinese message.</summary>
public sealed record CaseInput(
    string? Channel, string? Category, string? Urgency, string? Title, string? Description, double? Lat, double? Lon, string? RegionCode,
    string? Address, string? ReporterName, string? ReporterPhone, string? Parties, int? PartyCount, decimal? Amount, List<string>? Attachments,
    HotlineInput? Hotline, string? ReferralNumber, string? Complexity, string? Risk)
{
    public const int MaxTitle = 100;
    public const int MaxDescription = 5000;

    /// <summary>The intake, or the reason it is not one.</summary>
    public (CaseIntake? Intake, string? Error) ToIntake()
    {
        if (!TextRules.AllClean([Channel, Category, Urgency, Title, Description, RegionCode, Address, ReporterName, ReporterPhone, Parties, ReferralNumber,
                Complexity, Risk, Hotline?.Number, Hotline?.Caller, Hotline?.CallerPhone, .. Attachments ?? []]))
        {
            return (null, TextRules.ControlMessage);
        }

        if (!TextRules.AllSingleLine([Channel, Category, Urgency, Title, RegionCode, Address, ReporterName, ReporterPhone, ReferralNumber, Complexity, Risk,
                Hotline?.Number, Hotline?.Caller, Hotline?.CallerPhone, .. Attachments ?? []]))
        {
            return (null, TextRules.LineMessage);
        }

        if (!CaseNames.TryParseChannel(Channel, out var channel))
        {
            return (null, "channel 须为 grid、walk_in、hotline、online、court、police 或 petition");
        }

        if (string.IsNullOrWhiteSpace(Category) || CaseCategories.Find(Category) is null)
        {
            return (null, $"未知的类别 {Category}（可用：{string.Join("、", CaseCategories.All.Select(c => $"{c.Code} {c.Name}"))}）");
        }

        if (!CaseNames.TryParseUrgency(Urgency, out var urgency))
        {
            return (null, "urgency 须为 low、medium 或 high");
        }

        if (string.IsNullOrWhiteSpace(Title) || Title.Length > MaxTitle)
        {
            return (null, $"请填写标题（不超过 {MaxTitle} 字）");
        }

        if (string.IsNullOrWhiteSpace(Description) || Description.Length > MaxDescription)
        {
            return (null, $"请填写描述（不超过 {MaxDescription} 字）");
        }

        if ((Lat is null) != (Lon is null) || Lat is < -90 or > 90 || Lon is < -180 or > 180 || (Lat is { } a && !double.IsFinite(a)) || (Lon is { } o && !double.IsFinite(o)))
        {
            return (null, "lat 与 lon 须同时提供，且在有效范围内");
        }

        if (Lat is null && string.IsNullOrWhiteSpace(RegionCode))
        {
            return (null, "请提供位置（lat、lon）或区划代码 regionCode");
        }

        if (TooLong(Address, 200) || TooLong(ReporterName, 50) || TooLong(ReporterPhone, 30) || TooLong(Parties, 500) || TooLong(ReferralNumber, 50)
            || PartyCount is < 0 or > 100000 || Amount is < 0 or > 1_000_000_000_000m
            || Attachments is { Count: > 20 } || Attachments?.Any(x => string.IsNullOrWhiteSpace(x) || x.Length > 500) == true)
        {
            return (null, "地址、报告人、当事人、金额或附件超出允许范围（附件最多 20 个）");
        }

        Complexity? complexity = null;
        if (Complexity is not null)
        {
            if (!CaseNames.TryParseWire<Complexity>(Complexity, v => v.ToString().ToLowerInvariant(), out var c))
            {
                return (null, "complexity 须为 simple、general 或 complex");
            }

            complexity = c;
        }

        RiskColor? risk = null;
        if (Risk is not null)
        {
            if (!CaseNames.TryParseWire<RiskColor>(Risk, v => v.ToString().ToLowerInvariant(), out var r))
            {
                return (null, "risk 须为 green、yellow 或 red");
            }

            risk = r;
        }

        HotlineOrder? hotline = null;
        if (channel == CaseChannel.Hotline)
        {
            if (Hotline is not { Number: { Length: > 0 and <= 50 } number, Caller: { Length: > 0 and <= 50 } caller } || TooLong(Hotline.CallerPhone, 30)
                || Hotline.LimitHours is < 1.0 / 60 or > 24 * 365 || (Hotline.LimitHours is { } h && !double.IsFinite(h)))
            {
                return (null, "12345 热线工单须提供 hotline.number（工单号）与 hotline.caller（来电人），limitHours 须在 1 分钟到 1 年之间（以小时计）");
            }

            hotline = new HotlineOrder(number, caller, Hotline.CallerPhone, Hotline.LimitHours is { } hours ? TimeSpan.FromHours(hours) : null);
        }

        return (new CaseIntake(
            channel, Category, urgency, Title.Trim(), Description.Trim(), Lat, Lon, string.IsNullOrWhiteSpace(RegionCode) ? null : RegionCode.Trim(), Address,
            ReporterName, ReporterPhone, Parties, PartyCount, Amount, Attachments, hotline, ReferralNumber, complexity, risk), null);
    }

    private static bool TooLong(string? text, int max) => text is { } t && t.Length > max;
}

public sealed record HotlineInput(string? Number, string? Caller, string? CallerPhone, double? LimitHours);

/// <summary>The body of POST /api/cases/{code}/{action}; which fields matter depends on the action.</summary>
public sealed record CaseActionInput(
    string? Note, string? To, List<string>? Photos, List<string>? Units, double? Days, string? Duration, bool? Approve, bool? Pass, string? Result,
    string? Satisfaction, string? Level)
{
    public const int MaxCode = 200;
    public const int MaxItems = 20;

    public (CaseCommand? Command, string? Error) ToCommand(CaseAction action)
    {
        if (!TextRules.AllClean([Note, To, Duration, Result, Satisfaction, Level, .. Photos ?? [], .. Units ?? []]))
        {
            return (null, TextRules.ControlMessage);
        }

        if (!TextRules.AllSingleLine([To, Duration, Result, Satisfaction, Level, .. Photos ?? [], .. Units ?? []])
            || !TextRules.AllLines(MaxCode, [To, Duration, Result, Satisfaction, Level, .. Photos ?? [], .. Units ?? []]))
        {
            return (null, $"{TextRules.LineMessage}，且每项不超过 {MaxCode} 个字符");
        }

        if (Photos is { Count: > MaxItems } || Units is { Count: > MaxItems })
        {
            return (null, $"photos 与 units 各不能超过 {MaxItems} 项");
        }

        TimeSpan? extension = null;
        if (Duration is not null)
        {
            if (!TimeSpan.TryParse(Duration, CultureInfo.InvariantCulture, out var d))
            {
                return (null, "duration 须为时长，如 \"2.00:00:00\"");
            }

            extension = d;
        }
        else if (Days is { } days)
        {
            if (!double.IsFinite(days) || days is <= 0 or > 3650)
            {
                return (null, "days 须为正数");
            }

            extension = TimeSpan.FromDays(days);
        }

        CaseResult? result = Result switch
        {
            null => null,
            "resolved" => CaseResult.Resolved,
            "not_resolved" => CaseResult.NotResolved,
            _ => (CaseResult)(-1),
        };
        Satisfaction? satisfaction = Satisfaction switch
        {
            null => null,
            "satisfied" => Grains.Cases.Satisfaction.Satisfied,
            "basic" => Grains.Cases.Satisfaction.Basic,
            "unsatisfied" => Grains.Cases.Satisfaction.Unsatisfied,
            _ => (Satisfaction)(-1),
        };
        Supervision? level = Level switch
        {
            null => null,
            "normal" => Supervision.Normal,
            "yellow" => Supervision.Yellow,
            "red" => Supervision.Red,
            _ => (Supervision)(-1),
        };
        if ((int?)result == -1 || (int?)satisfaction == -1 || (int?)level == -1)
        {
            return (null, "result 须为 resolved/not_resolved，satisfaction 须为 satisfied/basic/unsatisfied，level 须为 normal/yellow/red");
        }

        if (Photos is { } photos && photos.Any(p => p is null) || Units is { } units && units.Any(u => u is null))
        {
            return (null, "photos 与 units 不能包含空值");
        }

        return (new CaseCommand(action, Note, To, Photos, Units, extension, Approve, Pass, result, satisfaction, level), null);
    }
}

/// <summary>Text users send may carry line breaks and tabs, not other control characters (PostgreSQL refuses NUL).</summary>
public static class TextRules
{
    public const string ControlMessage = "文本中不能包含控制字符";

    public const string LineMessage = "标题、名称与代码须为一行文字，不能包含换行或其他控制字符";

    /// <summary>The longest text any field takes (a case's description); JsonBody refuses a longer string anywhere in a body.</summary>
    public const int MaxText = CaseInput.MaxDescription;

    /// <summary>Line breaks and tabs only, no other control character.</summary>
    public static bool IsClean(string? text)
    {
        foreach (var c in text ?? string.Empty)
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool AllClean(IEnumerable<string?> texts) => texts.All(IsClean);

    /// <summary>A name, title or code: no control character at all, not even a line break.</summary>
    public static bool IsSingleLine(string? text) => text is null || !text.Any(char.IsControl);

    public static bool AllSingleLine(IEnumerable<string?> texts) => texts.All(IsSingleLine);

    /// <summary>A name, title or code: one line of at most <paramref name="max"/> characters, no control character at all.</summary>
    public static bool IsLine(string? text, int max) => text is null || (text.Length <= max && IsSingleLine(text));

    /// <summary>Every one of <paramref name="texts"/> is such a line.</summary>
    public static bool AllLines(int max, IEnumerable<string?> texts) => texts.All(t => IsLine(t, max));
}

/// <summary>
/// Reads a small JSON body strictly, answering a problem instead of throwing on bad input: only application/json (415
/// otherwise), at most 64 KB (413), no key given twice (also in another case: a refused value cannot hide behind a
/// second key), no string longer than <see cref="TextRules.MaxText"/> and none with a control character other than a
/// line break or tab. Fields get their own, tighter limits where they are read.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 64 * 1024;

    internal static readonly JsonSerializerOptions Options = new(JsonSerializerOptions.Web)
    {
        AllowDuplicateProperties = false,
        Converters = { new StrictText() },
    };

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes)
        {
            return (default, TooLarge());
        }

        // Only an optional body may be left out entirely (no body, no content type).
        var bodyless = request.ContentLength is null or 0 && string.IsNullOrEmpty(request.ContentType) && request.Headers.TransferEncoding.Count == 0;
        if (!(optional && bodyless) && !request.HasJsonContentType())
        {
            return (default, NotJson());
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return (default, TooLarge());
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e)
        {
            return (default, TypedResults.Problem("请求体未能完整读取", statusCode: e.StatusCode, title: "请求无效"));
        }

        if (buffer.Length == 0)
        {
            return optional ? (default, null) : (default, Problems.BadRequest("请求体不能为空"));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Options);
            return value is null ? (default, Problems.BadRequest("请求体不能为 null")) : (value, null);
        }
        catch (JsonException e) when (e.Message is StrictText.TooLong or TextRules.ControlMessage)
        {
            return (default, Problems.BadRequest($"{e.Message}（位置 {e.Path}）"));
        }
        catch (JsonException e)
        {
            return (default, Problems.BadRequest(Hosting.BadRequests.Json(e)));
        }
    }

    internal static IResult NotJson() =>
        TypedResults.Problem("请以 JSON 提交（Content-Type: application/json）", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "不支持的内容类型");

    private static IResult TooLarge() =>
        TypedResults.Problem($"请求体不能超过 {MaxBytes / 1024} KB", statusCode: StatusCodes.Status413PayloadTooLarge, title: "请求过大");

    /// <summary>Every string in a body: at most <see cref="TextRules.MaxText"/> characters, no control character but line breaks and tabs.</summary>
    internal sealed class StrictText : System.Text.Json.Serialization.JsonConverter<string>
    {
        public const string TooLong = "文本过长：任何一项都不能超过 5000 个字";

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            return text switch
            {
                { Length: > TextRules.MaxText } => throw new JsonException(TooLong),
                _ when !TextRules.IsClean(text) => throw new JsonException(TextRules.ControlMessage),
                _ => text,
            };
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Read(ref reader, typeToConvert, options)!;

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
    }
}
