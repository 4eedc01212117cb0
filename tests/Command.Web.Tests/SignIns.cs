using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Command.Web.Tests;

/// <summary>Signing in on one host and showing what was issued to another: a bearer token, or the browser's sign-in cookie.</summary>
internal static partial class SignIns
{
    /// <summary>A bearer token from POST /api/auth/token.</summary>
    public static async Task<string> TokenAsync(SiloFactory host, string userName, string password)
    {
        using var client = host.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password });
        return (await DemoSilo.Json(response)).GetProperty("token").GetString()!;
    }

    /// <summary>Signs in through the /login form as a browser does; answers the sign-in cookie as a Cookie header value.</summary>
    public static async Task<string> CookieAsync(SiloFactory host, string userName, string password)
    {
        using var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var form = await browser.GetAsync("/login");
        var antiforgery = AntiforgeryField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = antiforgery, ["Form.UserName"] = userName, ["Form.Password"] = password,
            }),
        };
        post.Headers.Add("Cookie", CookieHeader(form, _ => true));
        var signedIn = await browser.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookie = CookieHeader(signedIn, name => name.StartsWith(Web.Auth.AuthExtensions.CookieName, StringComparison.Ordinal));
        Assert.NotEmpty(cookie);
        return cookie;
    }

    /// <summary>Who /api/me says the bearer of <paramref name="token"/> or <paramref name="cookie"/> is; fails the test on anything but 200.</summary>
    public static async Task<string> WhoAsync(SiloFactory host, string? token = null, string? cookie = null)
    {
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        JsonElement me = await DemoSilo.Json(await client.SendAsync(request));
        return me.GetProperty("userName").GetString()!;
    }

    /// <summary>The cookies a response sets, as one Cookie header ("name=value; name=value").</summary>
    private static string CookieHeader(HttpResponseMessage response, Func<string, bool> wanted) =>
        string.Join("; ", (response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            .Select(value => value.Split(';', 2)[0])
            .Where(pair => wanted(pair.Split('=', 2)[0])));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
