using Microsoft.Extensions.Options;

namespace Command.Web.Video;

/// <summary>
/// Video calls and conferences (section "Video"): the ICE servers the browsers use to reach each other and the SFU, the
/// coturn REST API secret that mints short-lived TURN credentials, and the Janus SFU for conferences (none: conferences off,
/// 1:1 calls still work).
/// </summary>
public sealed class VideoOptions
{
    public const string Section = "Video";

    /// <summary>Static ICE servers handed to every browser as they are (STUN, or a TURN server with a fixed account).</summary>
    public List<IceServerOptions> IceServers { get; set; } = [];

    /// <summary>coturn's <c>static-auth-secret</c> (<c>use-auth-secret</c>): with <see cref="TurnUrls"/>, each request gets a fresh TURN account.</summary>
    public string? TurnSecret { get; set; }

    /// <summary>The TURN server's addresses (<c>turn:host:3478</c>, <c>turns:host:5349?transport=tcp</c>) for the minted accounts.</summary>
    public List<string> TurnUrls { get; set; } = [];

    /// <summary>How long a minted TURN account is valid: coturn refuses it afterwards, also to keep a relay open, so it must outlast a call.</summary>
    public TimeSpan TurnCredentialLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary><c>all</c> (direct where possible) or <c>relay</c> (always through TURN: hides addresses, and what one machine needs in tests).</summary>
    public string IceTransportPolicy { get; set; } = "all";

    public JanusOptions Janus { get; set; } = new();
}

/// <summary>One entry of <see cref="VideoOptions.IceServers"/>, as RTCIceServer takes it.</summary>
public sealed class IceServerOptions
{
    /// <summary><c>stun:host:3478</c>, <c>turn:host:3478?transport=udp</c>, …</summary>
    public List<string> Urls { get; set; } = [];

    public string? Username { get; set; }

    public string? Credential { get; set; }
}

/// <summary>The Janus SFU (videoroom plugin) the silo drives over Janus' HTTP API; browsers only send media to it.</summary>
public sealed class JanusOptions
{
    /// <summary>Janus' HTTP API (<c>http://127.0.0.1:8088/janus</c>); empty: no conferences.</summary>
    public string? Url { get; set; }

    /// <summary>Janus' <c>api_secret</c>, sent with every request when set.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>The videoroom plugin's <c>admin_key</c>: without it no one creates rooms. It also keys each room's secret and pin.</summary>
    public string? AdminKey { get; set; }

    /// <summary>The most a publisher may send, in bits per second (the room's <c>bitrate</c>).</summary>
    public int Bitrate { get; set; } = 512_000;

    /// <summary>How long a request to Janus may take before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Checks the section at start: a bad value stops the silo with a message naming the setting.</summary>
internal sealed class VideoOptionsValidator : IValidateOptions<VideoOptions>
{
    public ValidateOptionsResult Validate(string? name, VideoOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static IEnumerable<string> Problems(VideoOptions options)
    {
        for (var i = 0; i < options.IceServers.Count; i++)
        {
            var server = options.IceServers[i];
            if (server.Urls.Count == 0)
            {
                yield return $"Video:IceServers:{i}:Urls must name at least one stun:, turn: or turns: address.";
            }

            foreach (var url in server.Urls.Where(u => !IsIceUrl(u)))
            {
                yield return $"Video:IceServers:{i}:Urls: '{url}' is not a stun:, stuns:, turn: or turns: address.";
            }

            if (server.Urls.Any(IsTurn) && (string.IsNullOrEmpty(server.Username) || string.IsNullOrEmpty(server.Credential)))
            {
                yield return $"Video:IceServers:{i}: a TURN server needs Username and Credential (or use Video:TurnSecret and Video:TurnUrls).";
            }
        }

        var secret = !string.IsNullOrEmpty(options.TurnSecret);
        if (secret != (options.TurnUrls.Count > 0))
        {
            yield return "Video:TurnSecret and Video:TurnUrls go together: the secret mints accounts for those TURN servers.";
        }

        foreach (var url in options.TurnUrls.Where(u => !IsTurn(u)))
        {
            yield return $"Video:TurnUrls: '{url}' is not a turn: or turns: address.";
        }

        if (options.TurnCredentialLifetime < TimeSpan.FromMinutes(1) || options.TurnCredentialLifetime > TimeSpan.FromDays(7))
        {
            yield return "Video:TurnCredentialLifetime must be between 1 minute and 7 days.";
        }

        if (options.IceTransportPolicy is not ("all" or "relay"))
        {
            yield return $"Video:IceTransportPolicy must be 'all' or 'relay', not '{options.IceTransportPolicy}'.";
        }
        else if (options.IceTransportPolicy == "relay" && options.TurnUrls.Count == 0 && !options.IceServers.Any(s => s.Urls.Any(IsTurn)))
        {
            yield return "Video:IceTransportPolicy 'relay' needs a TURN server (Video:TurnUrls or a turn: entry in Video:IceServers).";
        }

        var janus = options.Janus;
        if (!string.IsNullOrWhiteSpace(janus.Url)
            && (!Uri.TryCreate(janus.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return $"Video:Janus:Url must be an absolute http(s) address of Janus' HTTP API (e.g. http://127.0.0.1:8088/janus), not '{janus.Url}'.";
        }

        if (janus.Bitrate is < 64_000 or > 10_000_000)
        {
            yield return "Video:Janus:Bitrate must be between 64000 and 10000000 bits per second.";
        }

        if (janus.RequestTimeout < TimeSpan.FromSeconds(1) || janus.RequestTimeout > TimeSpan.FromMinutes(2))
        {
            yield return "Video:Janus:RequestTimeout must be between 1 second and 2 minutes.";
        }
    }

    private static bool IsTurn(string url) =>
        url.StartsWith("turn:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("turns:", StringComparison.OrdinalIgnoreCase);

    private static bool IsIceUrl(string url) =>
        (IsTurn(url) || url.StartsWith("stun:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("stuns:", StringComparison.OrdinalIgnoreCase))
        && url.IndexOf(':', StringComparison.Ordinal) < url.Length - 1 && !url.Any(char.IsWhiteSpace);
}
