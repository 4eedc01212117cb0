using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Command.Web.Tests.BadInput.DevelopmentSilo;

namespace Command.Web.Tests.BadInput;

/// <summary>
/// Malformed values, bodies of the wrong kind and smuggled keys, in Development (where the framework throws on them):
/// each answers 4xx with problem details in Chinese, and nothing is stored.
/// </summary>
public sealed class BadInputTests(DevelopmentSilo silo) : IClassFixture<DevelopmentSilo>
{
    private const string Case = """
        {"channel":"walk_in","category":"02","urgency":"low","title":"楼上漏水","description":"邻里纠纷","regionCode":"150123100001"}
        """;

    [Theory]
    [InlineData("/api/workers?page=abc", "page")]
    [InlineData("/api/cases?mine=maybe", "mine")]
    [InlineData("/api/cases?page=1e3", "page")]
    [InlineData("/api/warnings?pageSize=99999999999999", "pageSize")]
    public async Task A_query_value_of_the_wrong_type_answers_400_naming_it(string url, string name)
    {
        using var duty = await silo.As("duty");

        var problem = await ProblemAsync(await duty.GetAsync(url), HttpStatusCode.BadRequest);

        Assert.Contains(name, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(silo.Factory.Services.GetRequiredService<IHostEnvironment>().IsDevelopment());   // where the framework throws on these
    }

    [Fact]
    public async Task A_track_from_that_is_no_time_answers_400()
    {
        var (id, _, _) = await silo.WorkerIn(DemoSilo.Chengguan);
        using var duty = await silo.As("duty");

        var problem = await ProblemAsync(await duty.GetAsync($"/api/workers/{id}/track?from=x"), HttpStatusCode.BadRequest);

        Assert.Contains("from", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{bad")]
    [InlineData("[1,2]")]
    [InlineData("{\"userName\":\"duty\",\"password\":\"demo\",\"USERNAME\":\"admin\"}")]
    public async Task A_token_request_that_is_not_one_object_with_each_key_once_answers_400(string body)
    {
        using var anonymous = silo.Anonymous();

        var problem = await ProblemAsync(await anonymous.PostAsync("/api/auth/token", Body(body)), HttpStatusCode.BadRequest);

        Assert.False(problem.TryGetProperty("token", out _));
    }

    [Fact]
    public async Task A_broken_rule_table_from_a_non_admin_is_refused_for_the_role_first()
    {
        using var duty = await silo.As("duty");
        var before = await silo.StoredAsync();

        var problem = await ProblemAsync(await duty.PutAsync("/api/dispatch-rules", Body("[{bad")), HttpStatusCode.Forbidden);

        Assert.Contains("管理员", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await silo.StoredAsync());
    }

    [Fact]
    public async Task A_rule_name_of_a_megabyte_or_with_a_line_break_is_refused()
    {
        using var admin = await silo.As("admin");
        var before = await silo.StoredAsync();

        static string Rules(string name) =>
            JsonSerializer.Serialize(new[] { new { id = 1, name, region = "", category = "10", urgency = "", target = "township:justice", copies = Array.Empty<string>() } });
        foreach (var name in new[] { "城关镇\n欠薪", new string('名', 101) })
        {
            var problem = await ProblemAsync(await admin.PutAsync("/api/dispatch-rules", Body(Rules(name))), HttpStatusCode.BadRequest);
            Assert.Contains("100", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // A megabyte of name makes a body beyond the rule table's limit: refused before it is read.
        var tooLarge = await ProblemAsync(await admin.PutAsync("/api/dispatch-rules", Body(Rules(new string('长', 1_048_576)))), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1 MB", tooLarge.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(before, await silo.StoredAsync());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task A_case_sent_as_anything_but_json_answers_415(string? contentType)
    {
        using var duty = await silo.As("duty");
        var before = await silo.StoredAsync();

        await ProblemAsync(await duty.PostAsync("/api/cases", Body(Case, contentType)), HttpStatusCode.UnsupportedMediaType);

        Assert.Equal(before, await silo.StoredAsync());
    }

    [Theory]
    [InlineData("\"urgency\":\"high\"")]
    [InlineData("\"Urgency\":\"nonsense\"")]
    [InlineData("\"TITLE\":\"另一个标题\"")]
    public async Task A_case_with_a_key_given_twice_in_any_case_is_refused(string second)
    {
        using var duty = await silo.As("duty");
        var before = await silo.StoredAsync();

        var problem = await ProblemAsync(await duty.PostAsync("/api/cases", Body(Case.TrimEnd()[..^1] + "," + second + "}")), HttpStatusCode.BadRequest);

        Assert.Contains("重复", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await silo.StoredAsync());
    }

    [Theory]
    [InlineData("\"title\":\"楼上\\n漏水\"", "一行")]
    [InlineData("\"title\":\"楼上\\u0000漏水\"", "控制字符")]
    [InlineData("\"address\":\"\\u0007\"", "控制字符")]
    public async Task A_case_whose_title_or_address_holds_control_characters_is_refused(string field, string reason)
    {
        using var duty = await silo.As("duty");
        var before = await silo.StoredAsync();
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Case)!;
        var (key, value) = (field.Split(':', 2)[0].Trim('"'), JsonDocument.Parse(field.Split(':', 2)[1]).RootElement.Clone());
        body[key] = value;

        var problem = await ProblemAsync(await duty.PostAsync("/api/cases", Body(JsonSerializer.Serialize(body))), HttpStatusCode.BadRequest);

        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await silo.StoredAsync());
    }

    [Fact]
    public async Task A_description_may_span_lines_and_a_case_in_json_is_still_taken()
    {
        using var duty = await silo.As("duty");
        var body = Case.Replace("邻里纠纷", "邻里纠纷\\n第二行", StringComparison.Ordinal);

        var response = await duty.PostAsync("/api/cases", Body(body, "application/json; charset=utf-8"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_string_longer_than_any_field_takes_is_refused_wherever_it_is()
    {
        using var duty = await silo.As("duty");
        var body = Case.Replace("\"regionCode\"", $"\"parties\":\"{new string('人', 5001)}\",\"regionCode\"", StringComparison.Ordinal);

        var problem = await ProblemAsync(await duty.PostAsync("/api/cases", Body(body)), HttpStatusCode.BadRequest);

        Assert.Contains("$.parties", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_action_with_too_many_units_is_refused()
    {
        using var duty = await silo.As("duty");
        var code = await OpenCaseAsync(duty);
        var units = JsonSerializer.Serialize(new { units = Enumerable.Range(0, 21).Select(i => $"unit-{i}").ToArray() });
        var before = await silo.StoredAsync();

        await ProblemAsync(await duty.PostAsync($"/api/cases/{code}/consult", Body(units)), HttpStatusCode.BadRequest);
        Assert.Equal(before, await silo.StoredAsync());
    }

    [Fact]
    public async Task An_action_on_a_case_out_of_scope_answers_as_missing_whatever_its_body()
    {
        using var duty = await silo.As("duty");
        using var other = await silo.As("town-" + DemoSilo.Shengle);
        var code = await OpenCaseAsync(duty);   // in 城关镇
        var before = await silo.StoredAsync();

        var outOfScope = await ProblemAsync(await other.PostAsync($"/api/cases/{code}/sign", Body("{bad")), HttpStatusCode.NotFound);
        var missing = await ProblemAsync(await other.PostAsync("/api/cases/150123-20260101-9999/sign", Body("{bad")), HttpStatusCode.NotFound);

        Assert.Equal(outOfScope.GetProperty("title").GetString(), missing.GetProperty("title").GetString());
        Assert.Equal($"没有案件 {code}", outOfScope.GetProperty("detail").GetString());
        Assert.Equal(before, await silo.StoredAsync());
    }

    [Theory]
    [InlineData("/api/positions")]
    [InlineData("/osmand")]
    public async Task A_position_with_a_key_given_twice_in_any_case_is_refused(string url)
    {
        var (_, device, _) = await silo.WorkerIn(DemoSilo.Chengguan);
        using var duty = await silo.As("duty");
        var now = DateTimeOffset.UtcNow.ToString("O");
        var body = url == "/osmand"
            ? $$"""{"device_id":"no-such-device","DEVICE_ID":"{{device}}","location":{"timestamp":"{{now}}","coords":{"latitude":40.38,"longitude":111.82}""" + "}}"
            : $$"""{"positions":[{"id":"{{device}}","lat":40.38,"LAT":40.39,"lon":111.82,"timestamp":"{{now}}"}]}""";
        var before = await silo.StoredAsync();

        var problem = await ProblemAsync(await duty.PostAsync(url, Body(body)), HttpStatusCode.BadRequest);

        Assert.Contains("重复", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await silo.StoredAsync());
    }

    [Theory]
    [InlineData("POST", "/osmand", 64 * 1024 + 1)]
    [InlineData("POST", "/api/positions", 4 * 1024 * 1024 + 1)]
    [InlineData("PUT", "/api/dispatch-rules", 1024 * 1024 + 1)]
    public async Task A_body_beyond_the_route_limit_answers_413_and_stores_nothing(string method, string url, int size)
    {
        using var admin = await silo.As("admin");
        var before = await silo.StoredAsync();
        var body = "{\"name\":\"" + new string('x', size) + "\"}";

        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = Body(body) };
        var problem = await ProblemAsync(await admin.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);

        Assert.NotNull(problem.GetProperty("detail").GetString());
        Assert.Equal(before, await silo.StoredAsync());
    }

    private static async Task<string> OpenCaseAsync(HttpClient duty)
    {
        using var created = await duty.PostAsync("/api/cases", Body(Case));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await DemoSilo.Json(created)).GetProperty("code").GetString()!;
    }
}
