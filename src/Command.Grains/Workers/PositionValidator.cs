using Command.Grains.Regions;

namespace Command.Grains.Workers;

/// <summary>Decides whether a reported position may be stored; the reason is what the device's owner reads.</summary>
public static class PositionValidator
{
    private const double KilometresPerDegreeLat = 111.32;

    /// <summary>Null when the fix is acceptable, else why not (in Chinese).</summary>
    public static string? Check(in PositionFix fix, RegionInfo? county, DateTimeOffset now, PositionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(fix.Lat) || fix.Lat is < -90 or > 90)
        {
            return "纬度(lat)必须在 -90 到 90 之间";
        }

        if (!double.IsFinite(fix.Lon) || fix.Lon is < -180 or > 180)
        {
            return "经度(lon)必须在 -180 到 180 之间";
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        if (fix.Time > nowMs + (long)options.MaxClockSkew.TotalMilliseconds)
        {
            return "时间戳(timestamp)晚于当前时间";
        }

        if (fix.Time < nowMs - (long)options.MaxAge.TotalMilliseconds)
        {
            return $"时间戳(timestamp)早于 {options.MaxAge.TotalDays:0} 天前";
        }

        if (!Optional(fix.Speed, 0, 100))
        {
            return "速度(speed)必须在 0 到 100 米/秒之间";
        }

        if (!Optional(fix.Bearing, 0, 360))
        {
            return "方向(bearing)必须在 0 到 360 度之间";
        }

        if (!Optional(fix.Altitude, -500, 9000))
        {
            return "海拔(altitude)必须在 -500 到 9000 米之间";
        }

        if (!Optional(fix.Accuracy, 0, 100_000))
        {
            return "精度(accuracy)不能为负";
        }

        if (!Optional(fix.Battery, 0, 100))
        {
            return "电量(batt)必须在 0 到 100 之间";
        }

        if (county is not null && KilometresOutside(county, fix.Lat, fix.Lon) > options.MaxKilometresOutsideCounty)
        {
            return $"位置超出所属县(区)范围 {options.MaxKilometresOutsideCounty:0.#} 公里以上";
        }

        return null;
    }

    private static bool Optional(double value, double min, double max) => double.IsNaN(value) || (value >= min && value <= max);

    private static double KilometresOutside(RegionInfo county, double lat, double lon)
    {
        var box = county.Envelope;
        var dLat = lat < box.MinY ? box.MinY - lat : lat > box.MaxY ? lat - box.MaxY : 0;
        var dLon = lon < box.MinX ? box.MinX - lon : lon > box.MaxX ? lon - box.MaxX : 0;
        var north = dLat * KilometresPerDegreeLat;
        var east = dLon * KilometresPerDegreeLat * Math.Cos(lat * Math.PI / 180);
        return Math.Sqrt((north * north) + (east * east));
    }
}
