using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Command.Web.Video;

/// <summary>
/// <see cref="IVideoRoom"/> over Janus' videoroom plugin (https://janus.conf.meetecho.com/docs/videoroom.html). One Janus
/// session per silo; one handle per publication or subscription, and one for room requests. Rooms are private, and each
/// has a secret (to destroy it) and a pin (to join it) derived from <see cref="JanusOptions.AdminKey"/> and the room id, so
/// every silo of the cluster can join a room another made, and nothing without the key can.
/// </summary>
internal sealed partial class JanusVideoRoom : IVideoRoom, IAsyncDisposable
{
    private const string Plugin = "janus.plugin.videoroom";
    private const int NoSuchHandle = 459;
    private const int NoSuchRoom = 426;
    private const int RoomExists = 427;

    private readonly JanusSession janus;
    private readonly JanusOptions options;
    private readonly ILogger<JanusVideoRoom> logger;
    private readonly byte[] roomKey;
    private readonly ConcurrentDictionary<long, Participant> handles = new();
    private readonly SemaphoreSlim control = new(1, 1);
    private long controlHandle;

    public JanusVideoRoom(IHttpClientFactory clients, IOptions<VideoOptions> video, ILogger<JanusVideoRoom> logger)
    {
        options = video.Value.Janus;
        this.logger = logger;
        janus = new JanusSession(clients.CreateClient(nameof(JanusVideoRoom)), options, logger);
        janus.Event += OnEvent;
        janus.Lost += OnLost;
        roomKey = Encoding.UTF8.GetBytes(options.AdminKey ?? options.ApiSecret ?? "command");
    }

    public bool Enabled => true;

    public event Action<VideoRoomEvent>? Changed;

    public async Task<long> CreateRoomAsync(string description, int maxPublishers, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPublishers, 1);
        while (true)
        {
            // A random id below 2^53 (exact in JavaScript), chosen here so the secret and pin can be derived from it.
            var room = RandomNumberGenerator.GetInt32(1, int.MaxValue) * 1_000_000L + RandomNumberGenerator.GetInt32(1_000_000);
            var request = RoomRequest("create", room);
            request["description"] = description.Length > 100 ? description[..100] : description;
            request["is_private"] = true;
            request["publishers"] = maxPublishers;
            request["bitrate"] = options.Bitrate;
            request["fir_freq"] = 10;
            request["audiocodec"] = "opus";
            request["videocodec"] = "vp8";
            request["notify_joining"] = false;
            request["permanent"] = false;
            request["secret"] = Secret(room, "secret");
            request["pin"] = Secret(room, "pin");
            if (!string.IsNullOrEmpty(options.AdminKey))
            {
                request["admin_key"] = options.AdminKey;
            }

            try
            {
                await RoomAsync(request, cancellationToken);
                LogRoom(logger, room, "created");
                return room;
            }
            catch (JanusException e) when (e.Code == RoomExists)
            {
                // Drawn twice: draw again.
            }
        }
    }

    public async Task DestroyRoomAsync(long room, CancellationToken cancellationToken = default)
    {
        var request = RoomRequest("destroy", room);
        request["secret"] = Secret(room, "secret");
        try
        {
            await RoomAsync(request, cancellationToken);
            LogRoom(logger, room, "destroyed");
        }
        catch (JanusException e) when (e.Code == NoSuchRoom)
        {
            // Gone already.
        }

        foreach (var handle in handles.Where(h => h.Value.Room == room).Select(h => h.Key).ToList())
        {
            await LeaveAsync(handle, cancellationToken);
        }
    }

    public async Task<VideoPublication> PublishAsync(long room, string display, string sdpOffer, CancellationToken cancellationToken = default)
    {
        var handle = await AttachAsync(cancellationToken);
        try
        {
            var body = RoomRequest("joinandconfigure", room);
            body["ptype"] = "publisher";
            body["pin"] = Secret(room, "pin");
            body["display"] = display.Length > 100 ? display[..100] : display;
            body["audio"] = true;
            body["video"] = true;
            var answer = await MessageAsync(handle, body, Jsep("offer", sdpOffer), cancellationToken);
            var data = Data(answer);
            var feed = data.GetProperty("id").GetInt64();
            handles[handle] = new Participant(room, feed, display);
            var others = data.TryGetProperty("publishers", out var list) ? Publishers(list) : [];
            return new VideoPublication(handle, feed, SdpOf(answer), others);
        }
        catch
        {
            await DetachAsync(handle);
            throw;
        }
    }

    public async Task<VideoSubscription> SubscribeAsync(long room, long feed, CancellationToken cancellationToken = default)
    {
        var handle = await AttachAsync(cancellationToken);
        try
        {
            var body = RoomRequest("join", room);
            body["ptype"] = "subscriber";
            body["pin"] = Secret(room, "pin");
            body["streams"] = new JsonArray(new JsonObject { ["feed"] = feed });
            var answer = await MessageAsync(handle, body, null, cancellationToken);
            handles[handle] = new Participant(room, null, "");
            return new VideoSubscription(handle, SdpOf(answer));
        }
        catch
        {
            await DetachAsync(handle);
            throw;
        }
    }

    public async Task StartAsync(long handle, string sdpAnswer, CancellationToken cancellationToken = default)
    {
        Known(handle);
        await MessageAsync(handle, new JsonObject { ["request"] = "start" }, Jsep("answer", sdpAnswer), cancellationToken);
    }

    public async Task TrickleAsync(long handle, VideoIceCandidate? candidate, CancellationToken cancellationToken = default)
    {
        Known(handle);
        var message = new JsonObject { ["janus"] = "trickle" };
        message["candidate"] = candidate is null
            ? new JsonObject { ["completed"] = true }
            : new JsonObject { ["candidate"] = candidate.Candidate, ["sdpMid"] = candidate.SdpMid, ["sdpMLineIndex"] = candidate.SdpMLineIndex };
        await janus.SendAsync(handle, message, awaitEvent: false, cancellationToken);
    }

    public async Task<IReadOnlyList<VideoPublisher>> ListPublishersAsync(long room, CancellationToken cancellationToken = default)
    {
        var data = await RoomAsync(RoomRequest("listparticipants", room), cancellationToken);
        return data.GetProperty("participants").EnumerateArray()
            .Where(p => p.TryGetProperty("publisher", out var published) && published.GetBoolean())
            .Select(p => new VideoPublisher(p.GetProperty("id").GetInt64(), p.TryGetProperty("display", out var d) ? d.GetString() ?? "" : ""))
            .ToList();
    }

    public async Task LeaveAsync(long handle, CancellationToken cancellationToken = default)
    {
        await DetachAsync(handle);
        Gone(handle, null);
    }

    /// <summary>webrtcup: a publisher's media is up (others may subscribe); hangup: a handle's PeerConnection ended.</summary>
    private void OnEvent(JsonElement item)
    {
        if (!item.TryGetProperty("sender", out var sender) || !handles.TryGetValue(sender.GetInt64(), out var participant))
        {
            return;
        }

        var handle = sender.GetInt64();
        switch (item.GetProperty("janus").GetString())
        {
            case "webrtcup" when participant.Feed is { } feed:
                Raise(new PublisherJoined(participant.Room, feed, participant.Display));
                break;
            case "hangup":
                Gone(handle, item.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "hangup" : "hangup");
                _ = DetachAsync(handle);
                break;
            case "detached":
                Gone(handle, "detached");
                break;
        }
    }

    private void OnLost()
    {
        Interlocked.Exchange(ref controlHandle, 0);
        foreach (var handle in handles.Keys.ToList())
        {
            Gone(handle, "session lost");
        }
    }

    /// <summary>Forgets a handle; a publisher's leaving is told to the room, a hangup Janus made to its owner.</summary>
    private void Gone(long handle, string? reason)
    {
        if (!handles.TryRemove(handle, out var participant))
        {
            return;
        }

        if (participant.Feed is { } feed)
        {
            Raise(new PublisherLeft(participant.Room, feed));
        }

        if (reason is not null)
        {
            Raise(new HandleHungUp(participant.Room, handle, reason));
        }
    }

    private void Raise(VideoRoomEvent change)
    {
        try
        {
            Changed?.Invoke(change);
        }
        catch (Exception e)
        {
            LogHandlerFailed(logger, e, change.GetType().Name);
        }
    }

    private async Task<long> AttachAsync(CancellationToken cancellationToken)
    {
        var attached = await janus.SendAsync(null, new JsonObject { ["janus"] = "attach", ["plugin"] = Plugin }, awaitEvent: false, cancellationToken);
        return attached.GetProperty("data").GetProperty("id").GetInt64();
    }

    private async Task DetachAsync(long handle)
    {
        try
        {
            await janus.SendAsync(handle, new JsonObject { ["janus"] = "detach" }, awaitEvent: false, CancellationToken.None);
        }
        catch (JanusException e) when (e.Code is NoSuchHandle or 458)
        {
            // Gone already.
        }
        catch (VideoRoomException e)
        {
            LogDetachFailed(logger, e, handle);
        }
    }

    /// <summary>A synchronous room request (create, destroy, listparticipants) on the control handle; its plugin data.</summary>
    private async Task<JsonElement> RoomAsync(JsonObject body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var handle = await ControlAsync(cancellationToken);
            try
            {
                var answer = await janus.SendAsync(handle, new JsonObject { ["janus"] = "message", ["body"] = body.DeepClone() }, awaitEvent: false, cancellationToken);
                return Data(answer);
            }
            catch (JanusException e) when (e.Code is NoSuchHandle or 458 && attempt == 0)
            {
                // The control handle went with a lost session: attach a new one once.
                Interlocked.CompareExchange(ref controlHandle, 0, handle);
            }
        }
    }

    private async Task<long> ControlAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref controlHandle) is not 0 and var handle)
        {
            return handle;
        }

        await control.WaitAsync(cancellationToken);
        try
        {
            if (controlHandle == 0)
            {
                controlHandle = await AttachAsync(cancellationToken);
            }

            return controlHandle;
        }
        finally
        {
            control.Release();
        }
    }

    /// <summary>An asynchronous request with its jsep: the plugin's event that answers it (with the jsep, if any).</summary>
    private async Task<JsonElement> MessageAsync(long handle, JsonObject body, JsonObject? jsep, CancellationToken cancellationToken)
    {
        var message = new JsonObject { ["janus"] = "message", ["body"] = body };
        if (jsep is not null)
        {
            message["jsep"] = jsep;
        }

        var answer = await janus.SendAsync(handle, message, awaitEvent: true, cancellationToken);
        Data(answer);
        return answer;
    }

    /// <summary>The plugin's answer; its error (no such room, wrong pin, room full) as a <see cref="JanusException"/>.</summary>
    private static JsonElement Data(JsonElement answer)
    {
        var data = answer.GetProperty("plugindata").GetProperty("data");
        if (data.TryGetProperty("error_code", out var code))
        {
            throw new JanusException(code.GetInt32(), data.TryGetProperty("error", out var error) ? error.GetString() ?? "" : "");
        }

        return data;
    }

    private static string SdpOf(JsonElement answer) =>
        answer.TryGetProperty("jsep", out var jsep) ? jsep.GetProperty("sdp").GetString()! : throw new VideoRoomException("视频会商服务没有返回媒体协商信息");

    private static List<VideoPublisher> Publishers(JsonElement list) =>
        list.EnumerateArray().Select(p => new VideoPublisher(p.GetProperty("id").GetInt64(), p.TryGetProperty("display", out var d) ? d.GetString() ?? "" : "")).ToList();

    private static JsonObject Jsep(string type, string sdp) => new() { ["type"] = type, ["sdp"] = sdp };

    private static JsonObject RoomRequest(string request, long room) => new() { ["request"] = request, ["room"] = room };

    private void Known(long handle)
    {
        if (!handles.ContainsKey(handle))
        {
            throw new VideoRoomException("该视频连接已结束");
        }
    }

    /// <summary>A room's secret or pin: HMAC-SHA256 of the room id under the key, so only holders of the key get in.</summary>
    private string Secret(long room, string purpose) =>
        Convert.ToHexString(HMACSHA256.HashData(roomKey, Encoding.UTF8.GetBytes($"{purpose}:{room}")))[..32];

    public async ValueTask DisposeAsync()
    {
        await janus.DisposeAsync();
        control.Dispose();
    }

    private sealed record Participant(long Room, long? Feed, string Display);

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "Video room {Room} {What}")]
    private static partial void LogRoom(ILogger logger, long room, string what);

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "A video room event handler failed on {Event}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string @event);

    [LoggerMessage(EventId = 613, Level = LogLevel.Warning, Message = "Detaching Janus handle {Handle} failed")]
    private static partial void LogDetachFailed(ILogger logger, Exception exception, long handle);
}
