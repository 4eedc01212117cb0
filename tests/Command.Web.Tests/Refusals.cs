using System.Text.Json;

namespace Command.Web.Tests;

/// <summary>How a refusal reads to its caller, to compare two of them: a problem's members but the per-request trace id.</summary>
internal static class Refusals
{
    public static string Text(string body)
    {
        using var json = JsonDocument.Parse(body);
        return string.Join("\n", json.RootElement.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={string.Join("|", Strings(p.Value))}"));
    }

    /// <summary>Every name, string and number in a JSON answer, decoded (what a user could read in it).</summary>
    public static IEnumerable<string> Strings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.EnumerateObject().SelectMany(p => Strings(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => value.EnumerateArray().SelectMany(Strings),
        JsonValueKind.String => [value.GetString()!],
        _ => [value.GetRawText()],
    };
}
