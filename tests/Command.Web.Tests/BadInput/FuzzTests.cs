using System.Net;
using System.Text;
using System.Text.Json;

namespace Command.Web.Tests.BadInput;

/// <summary>
/// A bounded, repeatable fuzz over every route of the OpenAPI document: malformed path and query values and broken
/// bodies, sent as users of every role. No answer is a 5xx, every refusal is a problem in Chinese, no write is taken,
/// and nothing stored changes. Request schemas are used where the document has them (wrong types, a key given twice);
/// every write also gets generic broken bodies.
/// </summary>
public sealed class FuzzTests(DevelopmentSilo silo) : IClassFixture<DevelopmentSilo>
{
    private const int Seed = 20261202;
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    // No %00: the URL decoder (Kestrel's, and the test server's) refuses it before the application sees the request.
    private static readonly string[] PathValues =
        ["abc", "-1", "0", "99999999999999999999999", new('x', 300), "%E4%B8%AD%E6%96%87", "..", "%2F", "a%20b", "%FF", "null", "1e3", "%0A", "150123-%0D", "%7F", "%C0%80"];

    private static readonly string[] QueryValues =
        ["abc", "", "%00", "-1", "99999999999999999999999", "maybe", new('x', 3000), "2026-13-45", "%FF", "[]", "1.5", "NaN", "%0D%0A", "true%00", "-0"];

    private static readonly string[] BrokenBodies =
        ["{bad", "[", "\"text\"", "123", "true", "{\"a\":}", "{\"a\":1,}", new string('[', 5000), "\u0000", "{\"\\ud800\":1}", "[{bad}]", "{\"x\":\"\\u0000\"}:"];

    private static readonly string?[] ContentTypes =
        ["application/json", "application/json", "application/json", "text/plain", null, "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"];

    [Fact]
    public async Task Malformed_requests_on_every_route_answer_4xx_problems_and_store_nothing()
    {
        var random = new Random(Seed);
        var (_, _, grid) = await silo.WorkerIn(DemoSilo.Chengguan);
        string[] users = ["admin", "duty", "leader", $"town-{DemoSilo.Chengguan}", "village-150123100001", "dept-hrss", $"worker-{grid}"];
        var clients = new List<HttpClient>();
        foreach (var user in users)
        {
            clients.Add(await silo.As(user));
        }

        clients.Add(silo.Anonymous());
        try
        {
            var document = await DemoSilo.Json(await clients[0].GetAsync("/openapi/v1.json"));
            var routes = Routes(document).ToList();
            Assert.Contains(routes, r => r.Path == "/api/cases" && r.Method == "post");
            Assert.Contains(routes, r => r.Path == "/api/dispatch-rules" && r.Method == "put");
            var before = await silo.StoredAsync();

            var failures = new List<string>();
            var sent = 0;
            foreach (var route in routes)
            {
                foreach (var request in Requests(route, document, random))
                {
                    var client = clients[random.Next(clients.Count)];
                    using var response = await client.SendAsync(request.Message);
                    sent++;
                    if (Check(route, request, response, await response.Content.ReadAsStringAsync()) is { } failure)
                    {
                        failures.Add(failure);
                    }
                }
            }

            Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests:\n{string.Join("\n", failures.Take(40))}");
            Assert.InRange(sent, 2000, 20_000);
            Assert.Equal(before, await silo.StoredAsync());
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static string? Check(Route route, Sent request, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var what = $"{route.Method.ToUpperInvariant()} {request.Url[..Math.Min(request.Url.Length, 120)]} [{request.ContentType ?? "no type"}] {request.Body?[..Math.Min(request.Body.Length, 60)]} → {status} {body[..Math.Min(body.Length, 200)]}";
        if (status >= 500)
        {
            return what;
        }

        // The document is the contract: whatever a route answers, it lists (a ".." segment makes the URL another route's).
        if (!request.Url.Contains("/..", StringComparison.Ordinal) && !route.Answers.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            return $"undocumented {status} (documented: {string.Join(", ", route.Answers)}): " + what;
        }

        // The tracker endpoint is another part's; here it must only never fail.
        if (route.Path == "/osmand")
        {
            return null;
        }

        if (route.Method != "get" && status < 300)
        {
            return "taken: " + what;
        }

        if (status >= 400)
        {
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" && TryTitle(body) is { } title && DevelopmentSilo.IsChinese(title);
            return problem ? null : "no Chinese problem: " + what;
        }

        return null;
    }

    private static string? TryTitle(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.GetProperty("title").GetString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private sealed record Route(string Method, string Path, IReadOnlyList<(string Name, string In)> Parameters, JsonElement? BodySchema, IReadOnlySet<string> Answers);

    private sealed record Sent(HttpRequestMessage Message, string Url, string? Body, string? ContentType);

    private static IEnumerable<Route> Routes(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!)).ToList()
                    : [];
                foreach (var name in Placeholders(path.Name).Where(n => parameters.All(p => p.Item1 != n)))
                {
                    parameters.Add((name, "path"));
                }

                JsonElement? schema = operation.Value.TryGetProperty("requestBody", out var requestBody)
                    && requestBody.TryGetProperty("content", out var content)
                    && content.TryGetProperty("application/json", out var json)
                    && json.TryGetProperty("schema", out var s) ? s : null;
                var answers = operation.Value.TryGetProperty("responses", out var responses)
                    ? responses.EnumerateObject().Select(r => r.Name).ToHashSet()
                    : [];
                yield return new Route(operation.Name, path.Name, parameters, schema, answers);
            }
        }
    }

    private static IEnumerable<string> Placeholders(string path) =>
        path.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}').Split(':')[0]);

    /// <summary>About seventy requests a route: every parameter malformed, and for a write a broken body besides.</summary>
    private static IEnumerable<Sent> Requests(Route route, JsonElement document, Random random)
    {
        var write = route.Method != "get";
        var queries = route.Parameters.Where(p => p.In == "query").ToList();
        var paths = route.Parameters.Where(p => p.In == "path").ToList();
        if (write && route.Parameters.Count == 0 && route.Method == "delete")
        {
            yield break;   // nothing in it can be malformed, and sending it would do what it says
        }

        var bodies = write ? Bodies(route.BodySchema, document, random).ToList() : [];
        for (var i = 0; i < 70; i++)
        {
            var url = route.Path;
            foreach (var (name, _) in paths)
            {
                url = url.Replace($"{{{name}}}", PathValues[random.Next(PathValues.Length)], StringComparison.Ordinal)
                    .Replace($"{{{name}:", "{", StringComparison.Ordinal);
            }

            url = System.Text.RegularExpressions.Regex.Replace(url, "\\{[^}]*\\}", _ => PathValues[random.Next(PathValues.Length)]);
            var query = queries.Count == 0
                ? $"junk={QueryValues[random.Next(QueryValues.Length)]}"
                : string.Join("&", queries.Where(_ => random.Next(4) > 0).Select(q => $"{q.Name}={QueryValues[random.Next(QueryValues.Length)]}"));
            url += query.Length > 0 ? "?" + query : "";
            var message = new HttpRequestMessage(new HttpMethod(route.Method.ToUpperInvariant()), url);
            string? body = null;
            string? contentType = null;
            if (write && (paths.Count + queries.Count == 0 || random.Next(3) > 0))
            {
                body = bodies[random.Next(bodies.Count)];
                contentType = ContentTypes[random.Next(ContentTypes.Length)];
                message.Content = DevelopmentSilo.Body(body, contentType);
            }

            if (write && paths.Count + queries.Count == 0 && body is null)
            {
                continue;
            }

            yield return new Sent(message, url, body, contentType);
        }
    }

    /// <summary>Broken bodies: generic ones, and from the schema (when the document has one) each property of a wrong type, too long, or given twice.</summary>
    private static IEnumerable<string> Bodies(JsonElement? schema, JsonElement document, Random random)
    {
        foreach (var broken in BrokenBodies)
        {
            yield return broken;
        }

        // Without a schema only the generic ones: an object of unknown keys is not malformed, and an optional body may be all defaults.
        foreach (var name in Properties(schema, document))
        {
            var upper = name.ToUpperInvariant();
            yield return $"{{\"{name}\":\"a\",\"{upper}\":\"b\"}}";
            yield return $"{{\"{name}\":1,\"{name}\":2}}";
            yield return $"{{\"{name}\":\"{new string('长', 6000)}\"}}";
            yield return $"{{\"{name}\":\"a\\u0000b\"}}";
            yield return $"{{\"{name}\":{{\"deep\":{new string('[', 200)}}}}}";
            yield return $"[{{\"{name}\":\"a\",\"{name}\":\"b\"}}]";
            yield return $"{{\"{name}\":[{string.Join(",", Enumerable.Repeat("1e400", 3))}]}}";
            yield return $"{{\"{name}\":{(random.Next(2) == 0 ? "\"NaN\"" : "-99999999999999999999999999")},\"{name}\":null}}";
        }
    }

    private static List<string> Properties(JsonElement? schema, JsonElement document)
    {
        for (var depth = 0; schema is { } s && depth < 5; depth++)
        {
            if (s.TryGetProperty("$ref", out var reference))
            {
                var name = reference.GetString()!.Split('/')[^1];
                schema = document.GetProperty("components").GetProperty("schemas").TryGetProperty(name, out var target) ? target : null;
            }
            else if (s.TryGetProperty("items", out var items))
            {
                schema = items;
            }
            else
            {
                return s.TryGetProperty("properties", out var properties) ? [.. properties.EnumerateObject().Select(p => p.Name)] : [];
            }
        }

        return [];
    }
}
