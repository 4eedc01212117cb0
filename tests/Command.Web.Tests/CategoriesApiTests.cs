using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Command.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>Case categories over HTTP: everyone reads them by name, only the admin changes their complexity and limit.</summary>
public sealed class CategoriesApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private const string Url = "/api/categories";

    [Fact]
    public async Task Everyone_signed_in_reads_every_category_by_name_with_its_limit()
    {
        using var village = await silo.As("village-150123100001");
        using var anonymous = silo.Anonymous();

        var categories = (await DemoSilo.Json(await village.GetAsync(Url))).EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url)).StatusCode);
        Assert.Equal(18, categories.Count);
        var neighbours = categories.Single(c => c.GetProperty("code").GetString() == "02");
        Assert.Equal(("邻里纠纷", "simple", "简易", "3 天", false), (
            neighbours.GetProperty("name").GetString(), neighbours.GetProperty("complexity").GetString(), neighbours.GetProperty("complexityName").GetString(),
            neighbours.GetProperty("limitName").GetString(), neighbours.GetProperty("custom").GetBoolean()));
        Assert.True(categories.Single(c => c.GetProperty("code").GetString() == "12").GetProperty("police").GetBoolean());
    }

    [Theory]
    [InlineData("duty")]
    [InlineData("town-150123100")]
    public async Task Anyone_but_the_admin_is_refused_before_the_body_is_read(string userName)
    {
        using var user = await silo.As(userName);
        using var broken = new StringContent("{ not json", Encoding.UTF8, "application/json");

        var response = await user.PutAsync($"{Url}/02", broken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("只有管理员", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("02", """{ "complexity": "hard" }""", HttpStatusCode.BadRequest, "复杂程度")]
    [InlineData("02", """{ "limitDays": 0 }""", HttpStatusCode.BadRequest, "办理时限")]
    [InlineData("02", """{ "limitDays": 400 }""", HttpStatusCode.BadRequest, "办理时限")]
    [InlineData("02", """{ "limitDays": """, HttpStatusCode.BadRequest, "JSON")]
    [InlineData("55", """{ "limitDays": 3 }""", HttpStatusCode.NotFound, "不存在")]
    public async Task Bad_input_is_a_chinese_problem_and_changes_nothing(string code, string body, HttpStatusCode status, string reason)
    {
        using var admin = await silo.As("admin");
        var before = await ReadAsync(admin);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await admin.PutAsync($"{Url}/{code}", content);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await ReadAsync(admin));
    }

    [Fact]
    public async Task The_admins_setting_is_what_new_cases_of_the_category_get()
    {
        using var admin = await silo.As("admin");
        using var town = await silo.As($"town-{DemoSilo.Shengle}");
        try
        {
            var set = await DemoSilo.Json(await admin.PutAsJsonAsync($"{Url}/17", new { complexity = "complex", limitDays = 5 }));
            var opened = await DemoSilo.Json(await town.PostAsJsonAsync("/api/cases", new
            {
                channel = "walk_in", category = "17", urgency = "low", title = "低保咨询", description = "群众来访咨询低保办理", regionCode = DemoSilo.Shengle,
            }));

            Assert.Equal(("complex", "5 天", true), (set.GetProperty("complexity").GetString(), set.GetProperty("limitName").GetString(), set.GetProperty("custom").GetBoolean()));
            Assert.Equal("complex", opened.GetProperty("case").GetProperty("complexity").GetString());
            Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM audit_log WHERE action = 'set-category' AND actor = 'admin' AND target = '17'"));
        }
        finally
        {
            var restored = await DemoSilo.Json(await admin.PutAsJsonAsync($"{Url}/17", new { }));
            Assert.Equal(("simple", false), (restored.GetProperty("complexity").GetString(), restored.GetProperty("custom").GetBoolean()));
        }
    }

    private static async Task<string> ReadAsync(HttpClient client) => (await DemoSilo.Json(await client.GetAsync(Url))).GetRawText();

    private async Task<long> ScalarAsync(string sql)
    {
        long value = 0;
        await silo.Factory.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement(sql), r => value = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture));
        return value;
    }
}
