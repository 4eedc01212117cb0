using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Command.Web.Api;

/// <summary>How devices write times: unix seconds, unix milliseconds, or ISO 8601.</summary>
public static class PositionInput
{
    private const long MillisecondsThreshold = 100_000_000_000; // above this a number is milliseconds (year 5138 in seconds)

    public static bool TryParseTime(ReadOnlySpan<char> text, out long unixMilliseconds)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return TryFromNumber(number, out unixMilliseconds);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            unixMilliseconds = instant.ToUnixTimeMilliseconds();
            return true;
        }

        unixMilliseconds = 0;
        return false;
    }

    public static bool TryFromNumber(double number, out long unixMilliseconds)
    {
        unixMilliseconds = 0;
        if (!double.IsFinite(number) || number <= 0 || number > 1e14)
        {
            return false;
        }

        unixMilliseconds = number >= MillisecondsThreshold ? (long)number : (long)(number * 1000);
        return true;
    }

    public static bool TryParseNumber(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}

/// <summary>A timestamp in JSON: a number (unix seconds or milliseconds) or an ISO 8601 string; 0 when unreadable.</summary>
public sealed class FlexibleTimeConverter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        long ms;
        if (reader.TokenType == JsonTokenType.Number)
        {
            return PositionInput.TryFromNumber(reader.GetDouble(), out ms) ? ms : 0;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            return PositionInput.TryParseTime(reader.GetString(), out ms) ? ms : 0;
        }

        throw new JsonException("timestamp must be a number or a string");
    }

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}

/// <summary>One position in a JSON batch. id is the worker's device id, as in the OsmAnd protocol.</summary>
public sealed class PositionItem
{
    public string? Id { get; set; }

    public double? Lat { get; set; }

    public double? Lon { get; set; }

    [JsonConverter(typeof(FlexibleTimeConverter))]
    public long Timestamp { get; set; }

    public double? Speed { get; set; }

    public double? Bearing { get; set; }

    public double? Altitude { get; set; }

    public double? Accuracy { get; set; }

    public double? Batt { get; set; }
}

public sealed class PositionBatch
{
    public List<PositionItem>? Positions { get; set; }

    /// <summary>The sender's clock when it sent the batch (0 when absent or unreadable); the phone's endpoint reads fix times against it.</summary>
    [JsonConverter(typeof(FlexibleTimeConverter))]
    public long SentAt { get; set; }
}

public sealed record PositionsAccepted(int Accepted);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(PositionBatch))]
internal sealed partial class PositionJson : JsonSerializerContext;
