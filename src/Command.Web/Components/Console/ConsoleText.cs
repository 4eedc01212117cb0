using System.Globalization;

namespace Command.Web.Components.Console;

/// <summary>Times as the console shows them: China time, minutes.</summary>
public static class ConsoleText
{
    public static string Time(long unixMs) => Time(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    public static string Time(DateTimeOffset at) => ChinaTime.Convert(at).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at) => at is { } value ? Time(value) : "—";

    public static string Days(TimeSpan span) => span.TotalDays.ToString("0.##", CultureInfo.InvariantCulture) + " 天";
}
