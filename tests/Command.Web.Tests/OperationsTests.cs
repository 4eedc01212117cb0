using Command.Testing;
using System.Net;

namespace Command.Web.Tests;

/// <summary>The Orleans dashboard at /orleans: the admin sees the grains; nobody else gets in.</summary>
public sealed class OperationsTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task The_admin_opens_the_dashboard_and_sees_the_grains()
    {
        using var admin = await silo.As("admin");

        var page = await admin.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // The demo accounts are user grains; the dashboard counts them by grain type.
        var counters = await Eventually.Until(
            () => admin.GetStringAsync("/orleans/DashboardCounters"), json => json.Contains("UserGrain", StringComparison.Ordinal), what: "user grains on the dashboard");
        Assert.Contains("Command.Grains", counters, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/orleans/SiloStats/not-a-silo")]
    [InlineData("/orleans/SiloCounters/1.2.3")]
    [InlineData("/orleans/SiloProperties/%E4%B8%AD")]
    [InlineData("/orleans/SiloMetadata/x")]
    [InlineData("/orleans/HistoricalStats/not-a-silo")]
    public async Task A_malformed_silo_address_is_a_bad_request_in_Chinese(string url)
    {
        using var admin = await silo.As("admin");

        var response = await admin.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("节点地址", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/orleans/img/OrleansLogo.png")]
    [InlineData("/orleans/SiloStats/127.0.0.1:11111@1")]
    public async Task The_dashboard_still_serves_its_images_and_well_formed_addresses(string url)
    {
        using var admin = await silo.As("admin");

        var response = await admin.GetAsync(url);

        Assert.NotEqual(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((int)response.StatusCode < 500, $"{url} answered {(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("duty")]
    [InlineData("town-150123100")]
    public async Task Anyone_but_the_admin_is_refused(string userName)
    {
        using var user = await silo.As(userName);

        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/orleans/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/orleans/DashboardCounters")).StatusCode);
    }

    [Fact]
    public async Task A_browser_that_is_not_signed_in_is_sent_to_sign_in()
    {
        using var browser = silo.Factory.CreateClient(new() { AllowAutoRedirect = false });

        var response = await browser.GetAsync("/orleans/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }
}
