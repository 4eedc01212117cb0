using Command.Grains;

namespace Command.Web;

/// <summary>What users read is in China Standard Time (UTC+8, see <see cref="ChinaDate"/>), whatever the server's zone.</summary>
public static class ChinaTime
{
    public static DateTimeOffset Now(TimeProvider time) => Convert(time.GetUtcNow());

    public static DateTimeOffset Convert(DateTimeOffset instant) => instant.ToOffset(ChinaDate.Offset);
}
