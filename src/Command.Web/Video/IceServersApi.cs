using System.Security.Claims;
using System.Text.Json.Serialization;
using Command.Grains.Users;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Command.Web.Video;

/// <summary>One RTCIceServer: <c>username</c> and <c>credential</c> only for TURN.</summary>
public sealed record IceServerView(
    IReadOnlyList<string> Urls,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Credential = null);

/// <summary>
/// What a browser passes to <c>new RTCPeerConnection(...)</c>; <see cref="ExpiresAt"/> (Unix seconds) is when the minted TURN
/// account lapses (null: none minted), so a page open longer asks again before its next call.
/// </summary>
public sealed record IceConfigView(IReadOnlyList<IceServerView> IceServers, string IceTransportPolicy, long? ExpiresAt);

/// <summary>GET /api/video/ice: the ICE servers for a call, with a TURN account minted for this user and this request.</summary>
public static class IceServersApi
{
    public static IEndpointRouteBuilder MapIceServersApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/video/ice", GetIce).WithTags("video")
            .Produces<IceConfigView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("The ICE servers for a video call (RTCConfiguration's iceServers and iceTransportPolicy), with a short-lived TURN account of this user; not for the admin.");
        return api;
    }

    private static IResult GetIce(ClaimsPrincipal user, IOptions<VideoOptions> options, TimeProvider time, HttpResponse response)
    {
        if (user.Role() == UserRole.Admin)
        {
            return Problems.Forbidden("管理员账号不参加视频通话");
        }

        // A minted account is this user's own, for a while: no shared cache may keep it.
        response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(For(options.Value, user.UserName(), time.GetUtcNow()));
    }

    internal static IceConfigView For(VideoOptions video, string user, DateTimeOffset now)
    {
        var servers = video.IceServers
            .Select(s => new IceServerView(s.Urls, string.IsNullOrEmpty(s.Username) ? null : s.Username, string.IsNullOrEmpty(s.Credential) ? null : s.Credential))
            .ToList();
        long? expires = null;
        if (!string.IsNullOrEmpty(video.TurnSecret) && video.TurnUrls.Count > 0)
        {
            var turn = TurnCredential.Mint(video.TurnSecret, user, now, video.TurnCredentialLifetime);
            servers.Add(new IceServerView(video.TurnUrls, turn.Username, turn.Credential));
            expires = turn.Expires.ToUnixTimeSeconds();
        }

        return new IceConfigView(servers, video.IceTransportPolicy, expires);
    }
}
