using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Command.Web.Tests.BadInput;

/// <summary>
/// The demo silo in the Development environment, which the README's run command starts: there minimal APIs throw on a
/// value they cannot bind, and that must still answer 400. The county stands still (no simulated activity), so what is
/// stored changes only by the requests a test sends.
/// </summary>
public sealed class DevelopmentSilo() : DemoSilo(new() { ["environment"] = "Development", ["Demo:Simulate"] = "false" })
{
    private static readonly string[] Tables =
        ["cases", "case_events", "users", "dispatch_rules", "category_settings", "warnings", "attachments", "positions", "grain_state", "reminders", "audit_log"];

    /// <summary>Rows per table and a checksum over every stored row of the tables people change through the API.</summary>
    public async Task<string> StoredAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Factory.DataDirectory, "command.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var summary = new StringBuilder();
        foreach (var table in Tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY 1, 2";
            await using var reader = await command.ExecuteReaderAsync();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
                AppendRow(hash, reader);
            }

            summary.Append(System.Globalization.CultureInfo.InvariantCulture, $"{table}: {rows} rows {Convert.ToHexString(hash.GetHashAndReset())[..16]}\n");
        }

        return summary.ToString();
    }

    /// <summary>Adds every value of a stored row to a checksum (blobs as they are, the rest as invariant text, each ended).</summary>
    public static void AppendRow(IncrementalHash hash, System.Data.IDataRecord row)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(row);
        for (var i = 0; i < row.FieldCount; i++)
        {
            var value = row.GetValue(i);
            hash.AppendData(value is byte[] bytes ? bytes : Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) + "\u001f"));
        }
    }

    /// <summary>Asserts a refusal a user would read: the status, problem details, and a Chinese title.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.True(IsChinese(problem.GetProperty("title").GetString()), text);
        return problem;
    }

    public static bool IsChinese(string? text) => text?.Any(c => c is >= '\u4e00' and <= '\u9fff') == true;

    public static StringContent Body(string text, string? contentType = "application/json")
    {
        var content = new StringContent(text, Encoding.UTF8);
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return content;
    }
}
