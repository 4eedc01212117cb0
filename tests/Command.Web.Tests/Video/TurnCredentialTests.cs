using Command.Web.Video;
using Microsoft.Extensions.Time.Testing;

namespace Command.Web.Tests.Video;

/// <summary>TURN accounts under coturn's REST API: what coturn recomputes from its static-auth-secret, and when it lapses.</summary>
public sealed class TurnCredentialTests
{
    private const string Secret = "command-test-turn-secret";

    [Fact]
    public void The_account_is_the_expiry_and_the_user_and_its_password_the_hmac_coturn_recomputes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        var turn = TurnCredential.Mint(Secret, "duty", clock.GetUtcNow(), TimeSpan.FromHours(1));

        Assert.Equal("1700003600:duty", turn.Username);
        Assert.Equal("pIPN03tZbllt5/Ef/4M/NacdT8U=", turn.Credential);   // base64(HMAC-SHA1(secret, username)), as openssl computes it
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_003_600), turn.Expires);
    }

    [Fact]
    public void An_account_minted_later_lapses_later_and_has_another_password()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var first = TurnCredential.Mint(Secret, "duty", clock.GetUtcNow(), TimeSpan.FromMinutes(10));

        clock.Advance(TimeSpan.FromMinutes(5));
        var second = TurnCredential.Mint(Secret, "duty", clock.GetUtcNow(), TimeSpan.FromMinutes(10));

        Assert.Equal(TimeSpan.FromMinutes(5), second.Expires - first.Expires);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(10), second.Expires);
        Assert.NotEqual(first.Credential, second.Credential);
    }

    [Fact]
    public void A_colon_or_space_in_the_user_name_cannot_move_the_expiry_coturn_reads()
    {
        var turn = TurnCredential.Mint(Secret, "a:b c", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), TimeSpan.FromHours(1));

        Assert.Equal("1700003600:a_b_c", turn.Username);
        Assert.Equal("uHEoUwEBxM5dfv5cCJTktpZEqrA=", turn.Credential);
    }

    [Fact]
    public void The_browser_configuration_lists_static_servers_then_the_minted_account_and_says_when_it_lapses()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var video = new VideoOptions
        {
            IceServers = [new IceServerOptions { Urls = ["stun:stun.example.org:3478"] }],
            TurnSecret = Secret,
            TurnUrls = ["turn:turn.example.org:3478", "turns:turn.example.org:5349?transport=tcp"],
            TurnCredentialLifetime = TimeSpan.FromMinutes(30),
            IceTransportPolicy = "relay",
        };

        var ice = IceServersApi.For(video, "leader", clock.GetUtcNow());

        Assert.Equal("relay", ice.IceTransportPolicy);
        Assert.Equal(2, ice.IceServers.Count);
        Assert.Equal(["stun:stun.example.org:3478"], ice.IceServers[0].Urls);
        Assert.Null(ice.IceServers[0].Username);
        Assert.Equal(video.TurnUrls, ice.IceServers[1].Urls);
        Assert.Equal($"{1_700_001_800}:leader", ice.IceServers[1].Username);
        Assert.Equal(1_700_001_800, ice.ExpiresAt);
    }

    [Fact]
    public void Without_a_turn_secret_nothing_is_minted()
    {
        var ice = IceServersApi.For(new VideoOptions(), "leader", DateTimeOffset.UtcNow);

        Assert.Empty(ice.IceServers);
        Assert.Equal("all", ice.IceTransportPolicy);
        Assert.Null(ice.ExpiresAt);
    }
}
