using Command.Web.Video;
using Microsoft.Extensions.Options;

namespace Command.Web.Tests.Video;

/// <summary>The section "Video" is checked at start: a bad value stops the silo with a message naming the setting.</summary>
public sealed class VideoOptionsTests
{
    private static List<string> Problems(VideoOptions options) => VideoOptionsValidator.Problems(options).ToList();

    [Fact]
    public void The_defaults_and_a_full_deployment_pass()
    {
        Assert.Empty(Problems(new VideoOptions()));
        Assert.Empty(Problems(new VideoOptions
        {
            IceServers = [new IceServerOptions { Urls = ["stun:stun.example.org:3478"] }, new IceServerOptions { Urls = ["turn:t.example.org"], Username = "u", Credential = "p" }],
            TurnSecret = "s",
            TurnUrls = ["turn:turn.example.org:3478?transport=udp"],
            IceTransportPolicy = "relay",
            Janus = new JanusOptions { Url = "http://127.0.0.1:8088/janus", AdminKey = "k" },
        }));
    }

    [Theory]
    [InlineData("Video:IceTransportPolicy must be 'all' or 'relay'")]
    [InlineData("Video:IceTransportPolicy 'relay' needs a TURN server")]
    [InlineData("Video:TurnSecret and Video:TurnUrls go together")]
    [InlineData("Video:TurnUrls: 'stun:x' is not a turn: or turns: address")]
    [InlineData("Video:TurnCredentialLifetime must be between 1 minute and 7 days")]
    [InlineData("Video:IceServers:0:Urls: 'http://x' is not a stun:, stuns:, turn: or turns: address")]
    [InlineData("Video:IceServers:0: a TURN server needs Username and Credential")]
    [InlineData("Video:Janus:Url must be an absolute http(s) address")]
    [InlineData("Video:Janus:Bitrate must be between")]
    public void A_bad_value_is_named_by_its_setting(string problem)
    {
        var options = problem switch
        {
            _ when problem.StartsWith("Video:IceTransportPolicy must", StringComparison.Ordinal) => new VideoOptions { IceTransportPolicy = "direct" },
            _ when problem.StartsWith("Video:IceTransportPolicy 'relay'", StringComparison.Ordinal) => new VideoOptions { IceTransportPolicy = "relay" },
            _ when problem.StartsWith("Video:TurnSecret", StringComparison.Ordinal) => new VideoOptions { TurnSecret = "s" },
            _ when problem.StartsWith("Video:TurnUrls", StringComparison.Ordinal) => new VideoOptions { TurnSecret = "s", TurnUrls = ["stun:x"] },
            _ when problem.StartsWith("Video:TurnCredentialLifetime", StringComparison.Ordinal) => new VideoOptions { TurnCredentialLifetime = TimeSpan.FromSeconds(5) },
            _ when problem.StartsWith("Video:IceServers:0:Urls", StringComparison.Ordinal) => new VideoOptions { IceServers = [new IceServerOptions { Urls = ["http://x"] }] },
            _ when problem.StartsWith("Video:IceServers:0:", StringComparison.Ordinal) => new VideoOptions { IceServers = [new IceServerOptions { Urls = ["turn:x"] }] },
            _ when problem.StartsWith("Video:Janus:Url", StringComparison.Ordinal) => new VideoOptions { Janus = new JanusOptions { Url = "127.0.0.1:8088" } },
            _ => new VideoOptions { Janus = new JanusOptions { Bitrate = 10 } },
        };

        Assert.Contains(Problems(options), p => p.StartsWith(problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silo_with_a_bad_video_setting_refuses_to_start_and_names_it()
    {
        await using var factory = new SiloFactory(new() { ["Video:IceTransportPolicy"] = "direct" });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Video:IceTransportPolicy must be 'all' or 'relay', not 'direct'", error.Message, StringComparison.Ordinal);
    }
}
