using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Command.Data;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>The admin's account management over HTTP, on a real silo: who may, what is checked, and what a change does to sessions.</summary>
public sealed class UsersApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private const string Url = "/api/users";
    private const string Password = "Shengle2026";

    [Fact]
    public async Task The_admin_creates_a_township_account_that_signs_in_and_is_listed_with_who_made_it()
    {
        using var admin = await silo.As("admin");

        var created = await admin.PostAsJsonAsync(Url, new { userName = "Shengle-Desk", displayName = "盛乐镇综治中心坐席", password = Password, role = "township_center", region = DemoSilo.Shengle });
        var view = await DemoSilo.Json(created);
        var token = await SignIns.TokenAsync(silo.Factory, "shengle-desk", Password);
        using var desk = Bearer(token);
        var me = await DemoSilo.Json(await desk.GetAsync("/api/me"));
        var found = await DemoSilo.Json(await admin.GetAsync($"{Url}?search=盛乐镇综治中心坐席"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(("shengle-desk", "township_center", "乡镇综治中心", "盛乐镇", "admin"), (
            view.GetProperty("userName").GetString(), view.GetProperty("role").GetString(), view.GetProperty("roleName").GetString(),
            view.GetProperty("scopeName").GetString(), view.GetProperty("createdBy").GetString()));
        Assert.Equal(("TownshipCenter", DemoSilo.Shengle, $"center-{DemoSilo.Shengle}"), (
            me.GetProperty("role").GetString(), me.GetProperty("scope").GetString(), me.GetProperty("unit").GetString()));
        Assert.Equal(1, found.GetProperty("total").GetInt32());
        Assert.Equal("shengle-desk", found.GetProperty("items")[0].GetProperty("userName").GetString());
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM audit_log WHERE action = 'create-user' AND actor = 'admin' AND target = 'shengle-desk'"));
    }

    [Fact]
    public async Task The_list_holds_the_seeded_accounts_and_pages_and_filters_them()
    {
        using var admin = await silo.As("admin");

        var towns = await DemoSilo.Json(await admin.GetAsync($"{Url}?role=township_center&pageSize=3"));
        var second = await DemoSilo.Json(await admin.GetAsync($"{Url}?role=township_center&pageSize=3&page=2"));
        var chengguan = await DemoSilo.Json(await admin.GetAsync($"{Url}?region={DemoSilo.Chengguan}&search=worker&pageSize=200"));

        Assert.True(towns.GetProperty("total").GetInt32() >= 10);
        Assert.Equal(3, towns.GetProperty("items").GetArrayLength());
        Assert.Empty(Names(towns).Intersect(Names(second)));
        Assert.All(towns.GetProperty("items").EnumerateArray(), u => Assert.Equal("乡镇综治中心", u.GetProperty("roleName").GetString()));
        Assert.True(chengguan.GetProperty("total").GetInt32() >= 100);
        Assert.All(chengguan.GetProperty("items").EnumerateArray(), u => Assert.StartsWith(DemoSilo.Chengguan, u.GetProperty("scope").GetString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("duty")]
    [InlineData("leader")]
    [InlineData("town-150123100")]
    public async Task Anyone_but_the_admin_is_refused_before_the_body_is_read(string userName)
    {
        using var user = await silo.As(userName);
        using var anonymous = silo.Anonymous();
        using var broken = new StringContent("{ not json", Encoding.UTF8, "application/json");

        var create = await user.PostAsync(Url, broken);
        var list = await user.GetAsync(Url);
        var lockAdmin = await user.PostAsync($"{Url}/admin/lock", null);
        var signedOut = await anonymous.GetAsync(Url);

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal("application/problem+json", create.Content.Headers.ContentType?.MediaType);
        Assert.Contains("只有管理员", await create.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, lockAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signedOut.StatusCode);
        Assert.Contains("请重新登录", await signedOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadAccounts => new()
    {
        { """{ "userName": "9lives", "displayName": "甲", "password": "Shengle2026", "role": "township_center", "region": "150123101" }""", "用户名应为" },
        { """{ "userName": "weak-pass", "displayName": "甲", "password": "12345678", "role": "township_center", "region": "150123101" }""", "字母和数字" },
        { """{ "userName": "short-pass", "displayName": "甲", "password": "a1", "role": "township_center", "region": "150123101" }""", "密码长度" },
        { """{ "userName": "no-name", "displayName": " ", "password": "Shengle2026", "role": "township_center", "region": "150123101" }""", "姓名" },
        { """{ "userName": "town-village", "displayName": "甲", "password": "Shengle2026", "role": "township_center", "region": "150123100001" }""", "乡镇(街道)" },
        { """{ "userName": "town-nowhere", "displayName": "甲", "password": "Shengle2026", "role": "township_center" }""", "乡镇(街道)" },
        { """{ "userName": "dept-none", "displayName": "甲", "password": "Shengle2026", "role": "department", "region": "150123101" }""", "职能部门" },
        { """{ "userName": "grid-none", "displayName": "甲", "password": "Shengle2026", "role": "grid_worker", "region": "150123100001001" }""", "网格员" },
        { """{ "userName": "admin-town", "displayName": "甲", "password": "Shengle2026", "role": "admin", "region": "150123101" }""", "地区应留空" },
        { """{ "userName": "who-knows", "displayName": "甲", "password": "Shengle2026", "role": "king" }""", "未知的角色" },
        { """{ "userName": "admin", "displayName": "甲", "password": "Shengle2026", "role": "admin" }""", "已被使用" },
        { """{ "userName": "half", "displayName": """, "JSON" },
    };

    [Theory]
    [MemberData(nameof(BadAccounts))]
    public async Task Bad_input_is_a_chinese_problem_and_creates_nothing(string body, string reason)
    {
        using var admin = await silo.As("admin");
        var before = await ScalarAsync("SELECT count(*) FROM users");
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await admin.PostAsync(Url, content);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"{(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await ScalarAsync("SELECT count(*) FROM users"));
        Assert.Equal("系统管理员", (await DemoSilo.Json(await admin.GetAsync($"{Url}/admin"))).GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_grid_worker_account_belongs_to_a_worker_of_its_grid_and_a_department_to_its_unit()
    {
        using var admin = await silo.As("admin");
        var (workerId, _, grid) = await silo.WorkerIn(DemoSilo.Shengle);

        var worker = await DemoSilo.Json(await admin.PostAsJsonAsync(Url, new { userName = "helper-1", displayName = "兼职网格员", password = Password, role = "grid_worker", region = grid, workerId }));
        var wrongGrid = await admin.PostAsJsonAsync(Url, new { userName = "helper-2", displayName = "兼职网格员", password = Password, role = "grid_worker", region = grid[..12] + "999", workerId });
        var police = await DemoSilo.Json(await admin.PostAsJsonAsync(Url, new { userName = "police-desk", displayName = "派出所坐席", password = Password, role = "department", unit = $"dept-{DemoSilo.Shengle}-police" }));

        Assert.Equal((grid, workerId, $"village-{grid[..12]}"), (worker.GetProperty("scope").GetString(), worker.GetProperty("workerId").GetInt64(), worker.GetProperty("unit").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, wrongGrid.StatusCode);
        Assert.Equal((DemoSilo.Shengle, "职能部门"), (police.GetProperty("scope").GetString(), police.GetProperty("roleName").GetString()));
    }

    [Fact]
    public async Task A_locked_user_is_refused_at_once_by_token_cookie_and_sign_in_until_unlocked()
    {
        using var admin = await silo.As("admin");
        await DemoSilo.Json(await admin.PostAsJsonAsync(Url, new { userName = "lock-me", displayName = "待停用", password = Password, role = "village", region = "150123100001" }));
        var token = await SignIns.TokenAsync(silo.Factory, "lock-me", Password);
        var cookie = await SignIns.CookieAsync(silo.Factory, "lock-me", Password);
        Assert.Equal("lock-me", await SignIns.WhoAsync(silo.Factory, token: token));

        var locked = await DemoSilo.Json(await admin.PostAsync($"{Url}/lock-me/lock", null));
        var byToken = await MeAsync(token: token);
        var byCookie = await MeAsync(cookie: cookie);
        using var anonymous = silo.Anonymous();
        var signIn = await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = "lock-me", password = Password });
        var unlocked = await DemoSilo.Json(await admin.PostAsync($"{Url}/lock-me/unlock", null));
        var again = await SignIns.TokenAsync(silo.Factory, "lock-me", Password);

        Assert.True(locked.GetProperty("locked").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, byToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, byCookie.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Contains("账号已停用", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(unlocked.GetProperty("locked").GetBoolean());
        Assert.Equal("lock-me", await SignIns.WhoAsync(silo.Factory, token: again));
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(token: token)).StatusCode);
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM audit_log WHERE action = 'lock-user' AND actor = 'admin' AND target = 'lock-me'"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM audit_log WHERE action = 'unlock-user' AND actor = 'admin' AND target = 'lock-me'"));
    }

    [Fact]
    public async Task A_new_password_or_a_new_role_ends_the_old_sessions()
    {
        using var admin = await silo.As("admin");
        await DemoSilo.Json(await admin.PostAsJsonAsync(Url, new { userName = "moving-desk", displayName = "调岗人员", password = Password, role = "township_center", region = DemoSilo.Shengle }));
        var first = await SignIns.TokenAsync(silo.Factory, "moving-desk", Password);

        var weak = await admin.PostAsJsonAsync($"{Url}/moving-desk/password", new { password = "moving-desk1" });
        var reset = await admin.PostAsJsonAsync($"{Url}/moving-desk/password", new { password = "Another2027" });
        using var anonymous = silo.Anonymous();
        var oldPassword = await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = "moving-desk", password = Password });
        var second = await SignIns.TokenAsync(silo.Factory, "moving-desk", "Another2027");
        var moved = await DemoSilo.Json(await admin.PutAsJsonAsync($"{Url}/moving-desk", new { displayName = "调岗人员", role = "village", region = "150123100001" }));
        var third = await SignIns.TokenAsync(silo.Factory, "moving-desk", "Another2027");
        using var now = Bearer(third);
        var me = await DemoSilo.Json(await now.GetAsync("/api/me"));

        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("用户名", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        reset.EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, oldPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(token: first)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(token: second)).StatusCode);
        Assert.Equal("村(社区)", moved.GetProperty("roleName").GetString());
        Assert.Equal(("Village", "150123100001"), (me.GetProperty("role").GetString(), me.GetProperty("scope").GetString()));
    }

    [Fact]
    public async Task The_admin_cannot_lock_or_demote_themselves()
    {
        using var admin = await silo.As("admin");

        var locked = await admin.PostAsync($"{Url}/admin/lock", null);
        var demoted = await admin.PutAsJsonAsync($"{Url}/admin", new { displayName = "系统管理员", role = "township_center", region = DemoSilo.Shengle });
        var missing = await admin.PostAsync($"{Url}/nobody-here/lock", null);

        Assert.Equal(HttpStatusCode.BadRequest, locked.StatusCode);
        Assert.Contains("不能停用自己", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, demoted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Admin", (await DemoSilo.Json(await admin.GetAsync("/api/me"))).GetProperty("role").GetString());
    }

    private HttpClient Bearer(string token)
    {
        var client = silo.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<HttpResponseMessage> MeAsync(string? token = null, string? cookie = null)
    {
        using var client = silo.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await client.SendAsync(request);
    }

    private static string[] Names(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("userName").GetString()!)];

    private async Task<long> ScalarAsync(string sql)
    {
        long value = 0;
        await silo.Factory.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement(sql), r => value = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture));
        return value;
    }
}
