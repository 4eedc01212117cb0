using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;

namespace Command.Web.Video;

/// <summary>
/// Tells a conference's joined devices when a participant's media comes up or goes (the SFU's events), so each
/// subscribes to the new feed or drops its tile. Only rooms this silo opened are known here; the
/// video hub's lifetime manager carries the news to devices on the other silos.
/// </summary>
internal sealed class ConferenceRelay(IVideoRoom rooms, IHubContext<VideoHub, IVideoClient> hub) : IHostedService
{
    private readonly ConcurrentDictionary<long, string> conferences = new();

    public void Track(long room, string conferenceId) => conferences[room] = conferenceId;

    public void Forget(long room) => conferences.TryRemove(room, out _);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        rooms.Changed += OnChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        rooms.Changed -= OnChanged;
        return Task.CompletedTask;
    }

    private void OnChanged(VideoRoomEvent change)
    {
        if (!conferences.TryGetValue(change.Room, out var id))
        {
            return;
        }

        var group = hub.Clients.Group(VideoHub.ConferenceGroup(id));
        _ = change switch
        {
            PublisherJoined joined => group.FeedJoined(id, joined.Feed, joined.Display),
            PublisherLeft left => group.FeedLeft(id, left.Feed),
            _ => Task.CompletedTask,
        };
    }
}
