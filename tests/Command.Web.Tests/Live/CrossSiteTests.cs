using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Command.Web.Tests.Live;

/// <summary>What rides on the sign-in cookie must come from our own pages; bearer callers are unaffected.</summary>
public sealed partial class CrossSiteTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task A_cookie_signed_write_without_the_pages_header_is_refused_and_changes_nothing()
    {
        var (browser, _) = await SignInAsync("duty");
        using (browser)
        {
            var forged = await browser.PostAsync("/api/warnings/any-warning/ack", null);
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            Assert.Contains("X-Command-Csrf", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var fromPage = new HttpRequestMessage(HttpMethod.Post, "/api/warnings/any-warning/ack");
            fromPage.Headers.Add("X-Command-Csrf", "1");
            Assert.Equal(HttpStatusCode.NotFound, (await browser.SendAsync(fromPage)).StatusCode); // reached the endpoint
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);    // reads need nothing
        }

        using var api = await silo.As("duty");
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/api/warnings/any-warning/ack", null)).StatusCode);
    }

    [Fact]
    public async Task The_hub_takes_a_cookie_signed_socket_only_from_a_page_of_this_host()
    {
        var (browser, cookie) = await SignInAsync("duty");
        browser.Dispose();

        await using var foreign = DashboardConnection.Create(silo.Factory, o =>
        {
            o.Headers["Cookie"] = cookie;
            o.Headers["Origin"] = "https://other.example.gov.cn";
        });
        var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(foreign.StartAsync);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // A page elsewhere can skip negotiating and open the socket itself: refused as well.
        await using var direct = DashboardConnection.Create(silo.Factory, o =>
        {
            o.SkipNegotiation = true;
            o.Headers["Cookie"] = cookie;
            o.Headers["Origin"] = "https://other.example.gov.cn";
        });
        var upgrade = await Assert.ThrowsAsync<InvalidOperationException>(direct.StartAsync); // the test server's refused upgrade
        Assert.EndsWith("status code: 403", upgrade.Message, StringComparison.Ordinal);

        await using var own = DashboardConnection.Create(silo.Factory, o =>
        {
            o.Headers["Cookie"] = cookie;
            o.Headers["Origin"] = "http://localhost";
        });
        await own.StartAsync();
        Assert.True((await own.WatchAsync(DemoSilo.County)).GetProperty("ok").GetBoolean());
    }

    /// <summary>Signs in through the form, as a browser does; answers the browser and its sign-in cookie.</summary>
    private async Task<(HttpClient Browser, string Cookie)> SignInAsync(string userName)
    {
        var browser = silo.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/login");
        var antiforgery = AntiforgeryField().Match(form).Groups[1].Value;
        var signIn = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = antiforgery, ["Form.UserName"] = userName, ["Form.Password"] = "demo",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookie = signIn.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("command.auth=", StringComparison.Ordinal)).Split(';')[0];
        return (browser, cookie);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
