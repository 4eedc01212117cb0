using System.Text.Json;
using System.Text.Json.Serialization;
using Command.Grains.Workers;
using Microsoft.AspNetCore.Http;

namespace Command.Web.Api;

/// <summary>
/// What one tracker request says about where the worker is: a fix, no position at all (a heartbeat, or only
/// <c>cell</c>/<c>wifi</c>, which Traccar also accepts and keeps no place for), or why its position cannot be read.
/// </summary>
internal readonly record struct TrackerFix(PositionFix Fix, string? Error, bool Missing)
{
    public static TrackerFix None => new(default, null, true);

    public static TrackerFix Unreadable(string error) => new(default, error, false);

    public bool HasPosition => Error is null && !Missing;
}

/// <summary>
/// The forms trackers send to /osmand, read the way Traccar's OsmAnd decoder reads them. Units: OsmAnd's <c>speed</c> is in
/// knots (as Traccar reads it), the Traccar Client's JSON <c>coords.speed</c> in metres per second; both are stored in
/// metres per second, as every other position is. A negative speed, heading or battery level in the JSON means "not known".
/// </summary>
internal static class TrackerInput
{
    /// <summary>One knot in metres per second (1852 m an hour).</summary>
    public const double MetresPerSecondPerKnot = 1852.0 / 3600.0;

    /// <summary>The device id of an OsmAnd request: <c>id</c> or <c>deviceid</c>.</summary>
    public static string DeviceId(IQueryCollection query)
    {
        var id = query["id"].ToString();
        return id.Length > 0 ? id : query["deviceid"].ToString();
    }

    public static bool IsSos(string? alarm) => string.Equals(alarm, "sos", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An OsmAnd request's fix: <c>lat</c> and <c>lon</c>, or <c>location=lat,lon</c>; <c>timestamp</c> (now when absent);
    /// <c>speed</c> in knots, <c>bearing</c> or <c>heading</c>, <c>altitude</c>, <c>accuracy</c>, <c>batt</c>. Neither a place nor
    /// 0,0 (a tracker without a fix) is no position.
    /// </summary>
    public static TrackerFix FromOsmAnd(long workerId, IQueryCollection query, long nowMilliseconds)
    {
        double lat, lon;
        var latText = query["lat"].ToString();
        var lonText = query["lon"].ToString();
        if (latText.Length == 0 && lonText.Length == 0)
        {
            var location = query["location"].ToString();
            if (location.Length == 0)
            {
                return TrackerFix.None;
            }

            if (!TryParseLocation(location, out lat, out lon))
            {
                return TrackerFix.Unreadable("位置(location)应为“纬度,经度”两个数字");
            }
        }
        else if (!PositionInput.TryParseNumber(latText, out lat) || !PositionInput.TryParseNumber(lonText, out lon))
        {
            return TrackerFix.Unreadable("纬度(lat)和经度(lon)必须是数字");
        }

        if (lat == 0 && lon == 0)
        {
            return TrackerFix.None;
        }

        var timestamp = nowMilliseconds;
        var stamp = query["timestamp"].ToString();
        if (stamp.Length > 0 && !PositionInput.TryParseTime(stamp, out timestamp))
        {
            return TrackerFix.Unreadable("时间戳(timestamp)格式错误：应为 Unix 秒、毫秒或 ISO 8601");
        }

        var bearingText = query["bearing"].ToString();
        if (!Optional(query["speed"].ToString(), out var knots) || !Optional(bearingText.Length > 0 ? bearingText : query["heading"].ToString(), out var bearing)
            || !Optional(query["altitude"].ToString(), out var altitude) || !Optional(query["accuracy"].ToString(), out var accuracy)
            || !Optional(query["batt"].ToString(), out var battery))
        {
            return TrackerFix.Unreadable("speed、bearing(heading)、altitude、accuracy、batt 必须是数字");
        }

        return new(new PositionFix(workerId, timestamp, lat, lon, knots * MetresPerSecondPerKnot, bearing, altitude, accuracy, battery), null, false);
    }

    /// <summary>The Traccar Client's (version 9 and later) JSON location; coordinates missing or 0,0 are no position.</summary>
    public static TrackerFix FromTraccar(long workerId, TraccarLocation? location, long nowMilliseconds)
    {
        if (location?.Coords is not { } coords || (coords.Latitude is null && coords.Longitude is null) || (coords.Latitude == 0 && coords.Longitude == 0))
        {
            return TrackerFix.None;
        }

        if (coords.Latitude is not { } lat || coords.Longitude is not { } lon)
        {
            return TrackerFix.Unreadable("缺少纬度(coords.latitude)或经度(coords.longitude)");
        }

        var timestamp = nowMilliseconds;
        var stamp = location.Timestamp;
        var readable = stamp.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => true,
            JsonValueKind.Number => stamp.TryGetDouble(out var number) && PositionInput.TryFromNumber(number, out timestamp),
            JsonValueKind.String => PositionInput.TryParseTime(stamp.GetString(), out timestamp),
            _ => false,
        };
        if (!readable)
        {
            return TrackerFix.Unreadable("时间戳(timestamp)格式错误：应为 ISO 8601 或 Unix 秒、毫秒");
        }

        var level = location.Battery?.Level is { } l and >= 0 ? (l <= 1 ? l * 100 : l) : double.NaN;
        return new(new PositionFix(workerId, timestamp, lat, lon, Known(coords.Speed), Known(coords.Heading), coords.Altitude ?? double.NaN, Known(coords.Accuracy), level), null, false);
    }

    /// <summary>"lat,lon", as Traccar reads <c>location=</c>.</summary>
    private static bool TryParseLocation(ReadOnlySpan<char> text, out double lat, out double lon)
    {
        (lat, lon) = (0, 0);
        // "lat,lon" or, as some trackers send it, "lat,lon,altitude": the first two values are the place.
        var comma = text.IndexOf(',');
        if (comma <= 0)
        {
            return false;
        }

        var rest = text[(comma + 1)..];
        var third = rest.IndexOf(',');
        return PositionInput.TryParseNumber(text[..comma], out lat) && PositionInput.TryParseNumber(third < 0 ? rest : rest[..third], out lon);
    }

    private static bool Optional(string text, out double value)
    {
        value = double.NaN;
        return text.Length == 0 || PositionInput.TryParseNumber(text, out value);
    }

    private static double Known(double? value) => value is { } v and >= 0 ? v : double.NaN;
}

/// <summary>The body the Traccar Client (version 9 and later) posts: its device id and one location.</summary>
public sealed class TraccarBody
{
    [JsonPropertyName("device_id")]
    public string? DeviceId { get; set; }

    public TraccarLocation? Location { get; set; }
}

/// <summary>A location as the Traccar Client sends it; other fields it sends (odometer, activity, is_moving, event) are not kept.</summary>
public sealed class TraccarLocation
{
    /// <summary>ISO 8601 (what the client sends) or Unix seconds or milliseconds; absent is now.</summary>
    public JsonElement Timestamp { get; set; }

    public TraccarCoords? Coords { get; set; }

    public TraccarBattery? Battery { get; set; }

    /// <summary>The client's SOS button sends <c>{"alarm": "sos"}</c> here.</summary>
    public TraccarExtras? Extras { get; set; }
}

/// <summary>Degrees, metres, metres per second and degrees from north; -1 where the phone does not know.</summary>
public sealed class TraccarCoords
{
    public double? Latitude { get; set; }

    public double? Longitude { get; set; }

    public double? Accuracy { get; set; }

    public double? Speed { get; set; }

    public double? Heading { get; set; }

    public double? Altitude { get; set; }
}

/// <summary>The battery level as a fraction (0–1; -1 when unknown).</summary>
public sealed class TraccarBattery
{
    public double? Level { get; set; }
}

public sealed class TraccarExtras
{
    public string? Alarm { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(TraccarBody))]
internal sealed partial class TraccarJson : JsonSerializerContext;

/// <summary>What <c>/osmand</c> answers (200) for a readable fix it did not store, and why.</summary>
public sealed record TrackerFixRefused(bool Stored, string Reason);
