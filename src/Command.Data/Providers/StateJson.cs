using System.Text.Json;
using System.Text.Json.Serialization;

namespace Command.Data.Providers;

/// <summary>
/// How grain state is written to <c>grain_state.payload</c>: System.Text.Json with web defaults and enums by name,
/// exactly as the runtime before Orleans wrote it, so rows it left behind read back unchanged.
/// </summary>
internal static class StateJson
{
    /// <summary>The payload format's version, kept in <c>grain_state.schema_version</c>. Every row so far is version 1.</summary>
    public const int SchemaVersion = 1;

    public static JsonSerializerOptions Options { get; } = Apply(new JsonSerializerOptions());

    /// <summary>Gives options the payload format (web defaults, enums by name): also Orleans' serializer on PostgreSQL.</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}
