using System.Net;
using Command.Web.Video;

namespace Command.Web.Tests.Video;

/// <summary>A demo silo handing out TURN accounts of the coturn REST API.</summary>
public sealed class TurnSilo() : DemoSilo(new()
{
    ["Video:TurnSecret"] = "api-test-secret",
    ["Video:TurnUrls:0"] = "turn:turn.example.org:3478",
    ["Video:IceServers:0:Urls:0"] = "stun:stun.example.org:3478",
    ["Video:TurnCredentialLifetime"] = "00:20:00",
    ["Video:IceTransportPolicy"] = "relay",
});

/// <summary>GET /api/video/ice: who may have the ICE servers, and the TURN account each request gets.</summary>
public sealed class IceServersApiTests(TurnSilo silo) : IClassFixture<TurnSilo>
{
    [Theory]
    [InlineData("duty")]
    [InlineData("leader")]
    [InlineData("town-" + DemoSilo.Chengguan)]
    public async Task People_who_may_be_in_a_call_get_a_fresh_turn_account_of_their_own(string user)
    {
        using var client = await silo.As(user);
        var before = DateTimeOffset.UtcNow;

        var response = await client.GetAsync("/api/video/ice");
        var ice = await DemoSilo.Json(response);

        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("relay", ice.GetProperty("iceTransportPolicy").GetString());
        var servers = ice.GetProperty("iceServers");
        Assert.Equal("stun:stun.example.org:3478", servers[0].GetProperty("urls")[0].GetString());
        Assert.False(servers[0].TryGetProperty("username", out _));
        var turn = servers[1];
        Assert.Equal("turn:turn.example.org:3478", turn.GetProperty("urls")[0].GetString());
        var username = turn.GetProperty("username").GetString()!;
        var expires = long.Parse(username.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(user, username[(username.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        Assert.InRange(expires, (before + TimeSpan.FromMinutes(20)).ToUnixTimeSeconds() - 1, (DateTimeOffset.UtcNow + TimeSpan.FromMinutes(20)).ToUnixTimeSeconds());
        Assert.Equal(expires, ice.GetProperty("expiresAt").GetInt64());
        Assert.Equal(TurnCredential.Mint("api-test-secret", user, DateTimeOffset.FromUnixTimeSeconds(expires), TimeSpan.Zero).Credential,
            turn.GetProperty("credential").GetString());
    }

    [Fact]
    public async Task The_admin_gets_a_403_problem_in_chinese_and_no_account()
    {
        using var admin = await silo.As("admin");

        var response = await admin.GetAsync("/api/video/ice");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("管理员账号不参加视频通话", body, StringComparison.Ordinal);
        Assert.DoesNotContain("turn:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_signing_in_the_answer_is_a_401_problem()
    {
        using var anonymous = silo.Anonymous();

        var response = await anonymous.GetAsync("/api/video/ice");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("turn:", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
