namespace Command.Web.Video;

/// <summary>
/// The SFU as the silo sees it: rooms of a few publishers (视频会商, 3–6 parties), each participant publishing one stream and
/// subscribing to the others'. Browsers never talk to the SFU's API; the hub relays SDP and ICE candidates through this.
/// A handle is one participant's one peer connection (its publication, or one subscription) and is ended by
/// <see cref="LeaveAsync"/>. Failures throw <see cref="VideoRoomException"/> with a message users can read.
/// </summary>
public interface IVideoRoom
{
    /// <summary>False without an SFU (<c>Video:Janus:Url</c> empty): every other member then throws.</summary>
    bool Enabled { get; }

    /// <summary>
    /// Publishers joining and leaving the rooms of this silo's handles (and a handle the SFU hung up: ICE failed, timed out),
    /// so the hub can tell the others to subscribe or to drop a tile. Raised on a background thread; handlers must not block.
    /// </summary>
    event Action<VideoRoomEvent>? Changed;

    /// <summary>A new room for at most <paramref name="maxPublishers"/> publishers; only this silo (and its peers) may join it.</summary>
    Task<long> CreateRoomAsync(string description, int maxPublishers, CancellationToken cancellationToken = default);

    /// <summary>Ends a room and every handle in it; a room that is gone already counts as done.</summary>
    Task DestroyRoomAsync(long room, CancellationToken cancellationToken = default);

    /// <summary>Joins <paramref name="room"/> as a publisher with the browser's offer; the answer goes back to the browser.</summary>
    Task<VideoPublication> PublishAsync(long room, string display, string sdpOffer, CancellationToken cancellationToken = default);

    /// <summary>Subscribes to one publisher's feed: the SFU offers, the browser answers through <see cref="StartAsync"/>.</summary>
    Task<VideoSubscription> SubscribeAsync(long room, long feed, CancellationToken cancellationToken = default);

    /// <summary>The browser's answer to a subscription's offer: media starts flowing.</summary>
    Task StartAsync(long handle, string sdpAnswer, CancellationToken cancellationToken = default);

    /// <summary>One of the browser's ICE candidates for a handle, or null when it has gathered them all.</summary>
    Task TrickleAsync(long handle, VideoIceCandidate? candidate, CancellationToken cancellationToken = default);

    /// <summary>Who publishes in a room now.</summary>
    Task<IReadOnlyList<VideoPublisher>> ListPublishersAsync(long room, CancellationToken cancellationToken = default);

    /// <summary>Ends a handle (a publication: the others see <see cref="PublisherLeft"/>); one that is gone already counts as done.</summary>
    Task LeaveAsync(long handle, CancellationToken cancellationToken = default);
}

/// <summary>A joined publisher: its handle, its feed id (what others subscribe to), the SFU's answer, and who published already.</summary>
public sealed record VideoPublication(long Handle, long Feed, string SdpAnswer, IReadOnlyList<VideoPublisher> Others);

/// <summary>A subscription: its handle and the SFU's offer for the browser to answer.</summary>
public sealed record VideoSubscription(long Handle, string SdpOffer);

/// <summary>A publisher in a room: its feed id and the display name it joined with.</summary>
public sealed record VideoPublisher(long Feed, string Display);

/// <summary>An ICE candidate as RTCIceCandidate gives it.</summary>
public sealed record VideoIceCandidate(string Candidate, string? SdpMid, int? SdpMLineIndex);

/// <summary>Something that happened in a room.</summary>
public abstract record VideoRoomEvent(long Room);

/// <summary>A publisher's media is up in <paramref name="Room"/>: the others may subscribe to <paramref name="Feed"/>.</summary>
public sealed record PublisherJoined(long Room, long Feed, string Display) : VideoRoomEvent(Room);

/// <summary>A publisher left (or its connection failed): subscriptions to <paramref name="Feed"/> end.</summary>
public sealed record PublisherLeft(long Room, long Feed) : VideoRoomEvent(Room);

/// <summary>The SFU hung one of this silo's handles up (ICE failed or timed out, DTLS alert); the handle is gone.</summary>
public sealed record HandleHungUp(long Room, long Handle, string Reason) : VideoRoomEvent(Room);

/// <summary>The SFU refused or could not do something; <see cref="Exception.Message"/> is Chinese, for users.</summary>
public class VideoRoomException : Exception
{
    public VideoRoomException(string message) : base(message)
    {
    }

    public VideoRoomException(string message, Exception inner) : base(message, inner)
    {
    }

    public VideoRoomException()
    {
    }
}

/// <summary>No SFU configured: conferences are off (1:1 calls go browser to browser and need none).</summary>
internal sealed class DisabledVideoRoom : IVideoRoom
{
    private const string Off = "未配置视频会商服务（Video:Janus:Url），无法进行多方视频会商";

    public bool Enabled => false;

    public event Action<VideoRoomEvent>? Changed
    {
        add { }
        remove { }
    }

    public Task<long> CreateRoomAsync(string description, int maxPublishers, CancellationToken cancellationToken = default) => throw new VideoRoomException(Off);

    public Task DestroyRoomAsync(long room, CancellationToken cancellationToken = default) => throw new VideoRoomException(Off);

    public Task<VideoPublication> PublishAsync(long room, string display, string sdpOffer, CancellationToken cancellationToken = default) => throw new VideoRoomException(Off);

    public Task<VideoSubscription> SubscribeAsync(long room, long feed, CancellationToken cancellationToken = default) => throw new VideoRoomException(Off);

    public Task StartAsync(long handle, string sdpAnswer, CancellationToken cancellationToken = default) => throw new VideoRoomException(Off);

    public Task TrickleAsync(long handle, VideoIceCandidate? candidate, CancellationToken cancellationToken = default) => throw new VideoRoomException(Off);

    public Task<IReadOnlyList<VideoPublisher>> ListPublishersAsync(long room, CancellationToken cancellationToken = default) => throw new VideoRoomException(Off);

    public Task LeaveAsync(long handle, CancellationToken cancellationToken = default) => throw new VideoRoomException(Off);
}
