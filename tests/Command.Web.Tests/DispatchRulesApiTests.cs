using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Command.Web.Tests;

/// <summary>The auto-dispatch table over HTTP: everyone reads it, only the admin replaces it, and a refused edit stores nothing.</summary>
public sealed class DispatchRulesApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private const string Url = "/api/dispatch-rules";

    [Fact]
    public async Task Anyone_signed_in_reads_the_seeded_table_with_chinese_names()
    {
        using var village = await silo.As("village-150123100001");
        using var anonymous = silo.Anonymous();

        var rules = (await DemoSilo.Json(await village.GetAsync(Url))).EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url)).StatusCode);
        Assert.Equal(12, rules.Count);
        var traffic = rules.Single(r => r.GetProperty("category").GetString() == "12" && r.GetProperty("urgency").GetString() == "");
        Assert.Equal(("道路交通事故", "township:police", "派出所", "全部地区", "不限"), (
            traffic.GetProperty("categoryName").GetString(), traffic.GetProperty("target").GetString(), traffic.GetProperty("targetName").GetString(),
            traffic.GetProperty("regionName").GetString(), traffic.GetProperty("urgencyName").GetString()));
        var urgent = rules.Single(r => r.GetProperty("category").GetString() == "14" && r.GetProperty("urgency").GetString() == "high");
        Assert.Equal(("county:police", "县公安局", "高"), (urgent.GetProperty("target").GetString(), urgent.GetProperty("targetName").GetString(), urgent.GetProperty("urgencyName").GetString()));
        Assert.Equal(["township:police"], urgent.GetProperty("copies").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["派出所"], urgent.GetProperty("copyNames").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains(rules, r => r.GetProperty("categoryName").GetString() == "劳动争议/欠薪" && r.GetProperty("targetName").GetString() == "县人社局");
    }

    [Fact]
    public async Task The_admin_replaces_the_whole_table_and_everyone_reads_the_new_one()
    {
        using var admin = await silo.As("admin");
        using var duty = await silo.As("duty");
        var original = await DemoSilo.Json(await duty.GetAsync(Url));
        try
        {
            var saved = await DemoSilo.Json(await admin.PutAsJsonAsync(Url, new object[]
            {
                new { id = 1, name = "城关镇欠薪→司法所", region = DemoSilo.Chengguan, category = "10", urgency = "", target = "township:justice", copies = new[] { "county:hrss" } },
                new { id = 2, name = "高紧急治安隐患→县公安局", region = "", category = "14", urgency = "high", target = "county:police", copies = Array.Empty<string>() },
            }));
            var read = await DemoSilo.Json(await duty.GetAsync(Url));

            Assert.Equal(saved.GetRawText(), read.GetRawText());
            Assert.Equal(2, read.GetArrayLength());
            var wages = read[0];
            Assert.Equal(("城关镇欠薪→司法所", "城关镇", "劳动争议/欠薪", "司法所"), (
                wages.GetProperty("name").GetString(), wages.GetProperty("regionName").GetString(), wages.GetProperty("categoryName").GetString(),
                wages.GetProperty("targetName").GetString()));
            Assert.Equal(["县人社局"], wages.GetProperty("copyNames").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal("high", read[1].GetProperty("urgency").GetString());
        }
        finally
        {
            (await admin.PutAsJsonAsync(Url, original)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Of_two_admins_editing_the_same_table_the_later_save_is_refused_and_the_earlier_one_stays()
    {
        using var admin = await silo.As("admin");
        var original = await admin.GetAsync(Url);
        var body = await DemoSilo.Json(original);
        var etag = original.Headers.ETag!.Tag;
        try
        {
            var first = await PutAsync(admin, etag, new { id = 1, name = "甲的规则：全部→派出所", region = "", category = "", urgency = "", target = "township:police", copies = Array.Empty<string>() });
            var second = await PutAsync(admin, etag, new { id = 1, name = "乙的规则：全部→司法所", region = "", category = "", urgency = "", target = "township:justice", copies = Array.Empty<string>() });
            var read = await DemoSilo.Json(await admin.GetAsync(Url));

            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.NotEqual(etag, first.Headers.ETag!.Tag);
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("规则表已被他人修改", problem.GetProperty("title").GetString());
            Assert.Contains("刷新", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal("甲的规则：全部→派出所", Assert.Single(read.EnumerateArray()).GetProperty("name").GetString());
        }
        finally
        {
            (await admin.PutAsJsonAsync(Url, body)).EnsureSuccessStatusCode();
        }
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string etag, params object[] rules)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, Url) { Content = JsonContent.Create(rules) };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
        return client.SendAsync(request);
    }

    [Theory]
    [InlineData("duty")]
    [InlineData("leader")]
    [InlineData("town-150123100")]
    public async Task Only_the_admin_may_replace_the_table(string userName)
    {
        using var user = await silo.As(userName);
        var before = await RulesAsync();

        var response = await user.PutAsJsonAsync(Url, new[] { new { id = 1, name = "全部→派出所", region = "", category = "", urgency = "", target = "township:police", copies = Array.Empty<string>() } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("管理员", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await RulesAsync());
    }

    [Theory]
    [InlineData("18", "", "township:police", "规则 2「新规则」：类别 \"18\" 不存在")]
    [InlineData("10", "150123999", "township:police", "规则 2「新规则」：地区 \"150123999\" 不是已导入的区划代码")]
    [InlineData("10", "", "township", "规则 2「新规则」：派单目标 \"township\" 格式错误")]
    [InlineData("10", "", "village:police", "规则 2「新规则」：派单目标 \"village:police\" 的角色 \"police\" 未知")]
    public async Task An_invalid_table_is_refused_with_the_reason_and_nothing_is_stored(string category, string region, string target, string reason)
    {
        using var admin = await silo.As("admin");
        var before = await RulesAsync();

        var response = await admin.PutAsJsonAsync(Url, new[]
        {
            new { id = 1, name = "好规则", region = "", category = "17", urgency = "", target = "county:center", copies = Array.Empty<string>() },
            new { id = 2, name = "新规则", region, category, urgency = "", target, copies = Array.Empty<string>() },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("请求无效", problem.GetProperty("title").GetString());
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await RulesAsync());
    }

    [Fact]
    public async Task An_unknown_urgency_is_refused_by_name()
    {
        using var admin = await silo.As("admin");
        var before = await RulesAsync();

        var response = await admin.PutAsJsonAsync(Url, new[] { new { id = 7, name = "急件", region = "", category = "12", urgency = "urgent", target = "county:police", copies = Array.Empty<string>() } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.StartsWith("规则 7「急件」：紧急程度 \"urgent\" 未知", detail, StringComparison.Ordinal);
        Assert.Equal(before, await RulesAsync());
    }

    private async Task<string> RulesAsync()
    {
        using var duty = await silo.As("duty");
        return (await DemoSilo.Json(await duty.GetAsync(Url))).GetRawText();
    }
}
