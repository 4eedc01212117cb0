using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>
/// The OpenAPI document is the contract outside systems code against: it names every route the app answers, every body a
/// route takes, the statuses it answers and the coded values it understands. The reference page over it is for the signed-in.
/// </summary>
public sealed partial class OpenApiContractTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private const string DocumentUrl = "/openapi/v1.json";
    private const string ReferenceUrl = "/scalar/";

    /// <summary>Write routes that take no body at all: the path says everything.</summary>
    private static readonly HashSet<(string Method, string Path)> Bodiless =
    [
        ("post", "/api/warnings/{id}/ack"),
        ("post", "/api/orders/{id}/sign"),
        ("post", "/api/users/{userName}/lock"),
        ("post", "/api/users/{userName}/unlock"),
    ];

    [Fact]
    public async Task The_document_lists_every_api_route_the_app_answers()
    {
        var operations = Operations(await DocumentAsync());
        var mapped = silo.Factory.Services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Select(e => (Path: Normalise(e.RoutePattern.RawText ?? ""), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(e => e.Path.StartsWith("/api/", StringComparison.Ordinal) || e.Path == "/osmand")
            .SelectMany(e => e.Methods.Select(m => (Method: m.ToLowerInvariant(), e.Path)))
            .ToHashSet();

        Assert.True(mapped.Count > 40, $"only {mapped.Count} API routes found");
        Assert.Empty(mapped.Except(operations.Keys));
        Assert.DoesNotContain(operations.Keys, o => !o.Path.StartsWith("/api/", StringComparison.Ordinal) && o.Path != "/osmand");   // not /orleans
        Assert.Contains(("post", "/api/cases"), mapped);
        Assert.Contains(("get", "/osmand"), mapped);
    }

    [Fact]
    public async Task Every_write_route_states_the_body_it_takes_and_every_route_its_answers()
    {
        var document = await DocumentAsync();
        var operations = Operations(document);

        var writes = operations.Where(o => o.Key.Method is "post" or "put" or "patch").ToList();
        var withoutBody = writes
            .Where(o => !Bodiless.Contains(o.Key))
            .Where(o => !o.Value.TryGetProperty("requestBody", out var body)
                || !body.GetProperty("content").EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out var schema) && Resolve(document, schema).EnumerateObject().Any()))
            .Select(o => $"{o.Key.Method} {o.Key.Path}");
        var withoutErrors = operations
            .Where(o => !o.Value.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('4')))
            .Select(o => $"{o.Key.Method} {o.Key.Path}");

        Assert.True(writes.Count > 15);
        Assert.Empty(withoutBody);
        Assert.Empty(withoutErrors);
    }

    [Fact]
    public async Task Registering_a_case_is_documented_as_201_with_the_body_it_takes()
    {
        var document = await DocumentAsync();
        var register = Operations(document)[("post", "/api/cases")];

        var statuses = register.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        var body = Resolve(document, register.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var created = Resolve(document, register.GetProperty("responses").GetProperty("201").GetProperty("content").GetProperty("application/json").GetProperty("schema"));

        Assert.Contains("201", statuses);
        Assert.Contains("400", statuses);
        Assert.Contains("401", statuses);
        Assert.DoesNotContain("204", statuses);
        Assert.True(body.GetProperty("properties").TryGetProperty("title", out _));
        Assert.True(created.GetProperty("properties").TryGetProperty("code", out _));
    }

    [Fact]
    public async Task Categories_channels_and_actions_are_listed_with_their_chinese_names()
    {
        var document = await DocumentAsync();
        var operations = Operations(document);
        var caseInput = Resolve(document, operations[("post", "/api/cases")].GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"))
            .GetProperty("properties");
        var action = operations[("post", "/api/cases/{code}/{action}")].GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "action").GetProperty("schema");
        var caseView = Resolve(document, operations[("get", "/api/cases/{code}")].GetProperty("responses").GetProperty("200").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema")).GetProperty("properties");

        var category = caseInput.GetProperty("category");
        Assert.Equal(18, category.GetProperty("enum").GetArrayLength());
        Assert.Contains("01", Values(category));
        Assert.Equal("婚姻家庭", category.GetProperty("x-enum-descriptions").GetProperty("01").GetString());
        Assert.Contains("01 婚姻家庭", category.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("群众来访", caseInput.GetProperty("channel").GetProperty("x-enum-descriptions").GetProperty("walk_in").GetString());
        Assert.Contains("approve-extension", Values(action));
        Assert.DoesNotContain("deadline", Values(action));
        Assert.Equal("审批延期", action.GetProperty("x-enum-descriptions").GetProperty("approve-extension").GetString());
        Assert.Contains("in_progress", Values(Resolve(document, caseView.GetProperty("status"))));
        Assert.Contains("walk_in", Values(Resolve(document, caseView.GetProperty("channel"))));
        Assert.Contains("## 代码表", document.GetProperty("info").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_document_is_for_the_signed_in_and_bearer_clients_only()
    {
        using var anonymous = silo.Anonymous();
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");

        var refused = await anonymous.GetAsync(DocumentUrl);
        var read = await town.GetAsync(DocumentUrl);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task The_reference_page_opens_for_a_signed_in_browser_and_needs_nothing_from_the_internet()
    {
        var cookie = await SignIns.CookieAsync(silo.Factory, "duty", "demo");
        using var browser = silo.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var page = await GetAsync(browser, ReferenceUrl, cookie);
        var html = await page.Content.ReadAsStringAsync();
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", html);
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            var url = script.StartsWith('/') ? script : ReferenceUrl + script;
            var served = await GetAsync(browser, url, cookie);
            Assert.True(served.StatusCode == HttpStatusCode.OK, $"{url}: {(int)served.StatusCode}");
        }
    }

    [Fact]
    public async Task The_reference_page_sends_an_anonymous_browser_to_sign_in_and_refuses_a_bad_token()
    {
        using var browser = silo.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, ReferenceUrl);
        anonymous.Headers.Accept.ParseAdd("text/html");
        using var forged = new HttpRequestMessage(HttpMethod.Get, ReferenceUrl);
        forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        using var bearer = await silo.As("duty");

        var redirected = await browser.SendAsync(anonymous);
        var refused = await browser.SendAsync(forged);
        var opened = await bearer.GetAsync(ReferenceUrl);

        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        var location = redirected.Headers.Location!;
        Assert.StartsWith("/login", location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var duty = await silo.As("duty");
        return await DemoSilo.Json(await duty.GetAsync(DocumentUrl));
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", cookie);
        request.Headers.Accept.ParseAdd("text/html");
        return await client.SendAsync(request);
    }

    /// <summary>Every operation of the document by method and path (without a trailing slash).</summary>
    private static Dictionary<(string Method, string Path), JsonElement> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete")
                .Select(o => (Key: (o.Name, Normalise(path.Name)), o.Value)))
            .ToDictionary(o => o.Key, o => o.Value);

    /// <summary>A route pattern as the document writes it: no constraints, no trailing slash, a leading one.</summary>
    private static string Normalise(string pattern)
    {
        var path = "/" + RouteConstraint().Replace(pattern, "{$1}").Trim('/');
        return path;
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return Resolve(document, document.GetProperty("components").GetProperty("schemas").GetProperty(name));
        }

        // A nullable reference is written as oneOf [null, $ref] or anyOf.
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options) && options.EnumerateArray().FirstOrDefault(o => o.TryGetProperty("$ref", out _)) is { ValueKind: JsonValueKind.Object } option)
            {
                return Resolve(document, option);
            }
        }

        return schema;
    }

    private static List<string?> Values(JsonElement schema) => [.. schema.GetProperty("enum").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString())];

    [GeneratedRegex(@"\{([^}:=?]+)[^}]*\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex(@"<script[^>]*\ssrc=""([^""]+)""")]
    private static partial Regex ScriptSource();
}
