using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Command.Web.Tests;

public sealed partial class SignInTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task A_demo_user_gets_a_token_that_opens_the_api_and_a_wrong_password_gets_401()
    {
        using var anonymous = silo.Anonymous();

        var good = await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = "leader", password = "demo" });
        var bad = await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = "leader", password = "wrong" });
        var nobody = await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = "nobody", password = "demo" });
        var token = (await DemoSilo.Json(good)).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await DemoSilo.Json(await anonymous.SendAsync(request));

        Assert.Equal("Leader", me.GetProperty("role").GetString());
        Assert.Equal("领导", me.GetProperty("roleName").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Contains("用户名或密码错误", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_so_even_the_right_one_is_refused()
    {
        using var anonymous = silo.Anonymous();
        const string user = "dept-petition";

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = user, password = $"guess{i}" })).StatusCode);
        }

        var fifth = await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = user, password = "guess4" });
        var right = await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = user, password = "demo" });

        Assert.Equal(HttpStatusCode.Unauthorized, fifth.StatusCode);
        Assert.Contains("账号已锁定", await fifth.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("账号已锁定", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_token_request_is_a_400_problem()
    {
        using var anonymous = silo.Anonymous();

        var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { userName = "duty" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_browser_is_sent_to_login_signs_in_with_the_form_and_sees_its_county()
    {
        using var browser = silo.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var start = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith("/login", start.Headers.Location?.PathAndQuery, StringComparison.Ordinal);

        var form = await browser.GetStringAsync("/login");
        Assert.Contains("登录", form, StringComparison.Ordinal);
        var antiforgery = AntiforgeryField().Match(form).Groups[1].Value;
        var wrong = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = antiforgery, ["Form.UserName"] = "duty", ["Form.Password"] = "nope",
        }));
        Assert.Contains("用户名或密码错误", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var signIn = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = antiforgery, ["Form.UserName"] = "duty", ["Form.Password"] = "demo",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var home = await browser.GetStringAsync("/");

        Assert.Contains("和林格尔县", home, StringComparison.Ordinal);
        Assert.Contains("值班员", home, StringComparison.Ordinal);
        Assert.Contains("城关镇", home, StringComparison.Ordinal);
        Assert.Contains("运行中", home, StringComparison.Ordinal);
        Assert.Contains("示意", home, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
