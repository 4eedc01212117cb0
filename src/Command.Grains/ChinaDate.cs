namespace Command.Grains;

/// <summary>Days as users count them: China Standard Time (UTC+8, no daylight saving).</summary>
public static class ChinaDate
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly Of(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    public static DateOnly Of(long unixMilliseconds) => Of(DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds));

    public static DateTimeOffset StartOf(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), Offset);
}
