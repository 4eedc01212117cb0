using System.Threading.Channels;
using Command.Bench;
using Command.Web.Video;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests.Video;

/// <summary>
/// <see cref="JanusVideoRoom"/> against the real Janus scripts/test.sh starts (infra/video/ensure-janus.sh), with real
/// Chromium peers whose media reaches Janus and comes back out through the local coturn.
/// </summary>
public sealed class JanusVideoRoomTests
{
    private static ServiceProvider Services(string? adminKey) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Video:Janus:Url"] = VideoServers.Janus,
            ["Video:Janus:AdminKey"] = adminKey,
        }).Build())
        .AddLogging()
        .AddVideo()
        .BuildServiceProvider();

    [SkippableFact]
    public async Task A_publisher_is_seen_by_a_subscriber_and_leaves_the_room_it_was_listed_in()
    {
        VideoServers.Require(janus: true, browser: true);
        await using var services = Services(VideoServers.JanusAdminKey);
        var rooms = services.GetRequiredService<IVideoRoom>();
        var changes = Channel.CreateUnbounded<VideoRoomEvent>();
        rooms.Changed += change => changes.Writer.TryWrite(change);
        var ice = VideoServers.Config(IceServersApi.For(VideoServers.Options(), "test", DateTimeOffset.UtcNow));
        var (playwright, browser) = await VideoServers.LaunchAsync();
        long? room = null;
        try
        {
            Assert.True(rooms.Enabled);
            room = await rooms.CreateRoomAsync("视频会商 测试", 6);
            Assert.Empty(await rooms.ListPublishersAsync(room.Value));

            var leader = await VideoPage.OpenAsync(browser);
            var published = await rooms.PublishAsync(room.Value, "领导", await leader.OfferAsync("camera", ice));
            Assert.Empty(published.Others);
            await leader.AcceptAsync("camera", published.SdpAnswer);
            await TrickleAsync(rooms, published.Handle, leader, "camera");

            var joined = Assert.IsType<PublisherJoined>(await NextAsync(changes));
            Assert.Equal(new PublisherJoined(room.Value, published.Feed, "领导"), joined);
            Assert.Equal([new VideoPublisher(published.Feed, "领导")], await rooms.ListPublishersAsync(room.Value));

            var township = await VideoPage.OpenAsync(browser);
            var subscription = await rooms.SubscribeAsync(room.Value, published.Feed);
            var answer = await township.AnswerAsync("leader", ice, subscription.SdpOffer);
            await rooms.StartAsync(subscription.Handle, answer);
            await TrickleAsync(rooms, subscription.Handle, township, "leader");
            await township.WaitForVideoAsync("leader");
            Assert.Equal("relay", (await township.RouteAsync("leader")).Split('>')[0]);

            await rooms.LeaveAsync(published.Handle);
            Assert.Equal(new PublisherLeft(room.Value, published.Feed), await NextAsync(changes));
            Assert.Empty(await rooms.ListPublishersAsync(room.Value));
            await rooms.LeaveAsync(subscription.Handle);
            await rooms.LeaveAsync(subscription.Handle);   // gone already: done

            await rooms.DestroyRoomAsync(room.Value);
            room = null;
        }
        finally
        {
            if (room is { } left)
            {
                await rooms.DestroyRoomAsync(left);
            }

            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [SkippableFact]
    public async Task A_destroyed_room_cannot_be_joined_and_destroying_it_again_is_done()
    {
        VideoServers.Require(janus: true, browser: false);
        await using var services = Services(VideoServers.JanusAdminKey);
        var rooms = services.GetRequiredService<IVideoRoom>();
        var room = await rooms.CreateRoomAsync("会商", 3);

        await rooms.DestroyRoomAsync(room);
        await rooms.DestroyRoomAsync(room);

        var refused = await Assert.ThrowsAnyAsync<VideoRoomException>(() => rooms.ListPublishersAsync(room));
        Assert.Contains("视频会商服务", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<VideoRoomException>(() => rooms.SubscribeAsync(room, 1));
    }

    [SkippableFact]
    public async Task Without_the_admin_key_no_room_is_created_nor_joined()
    {
        VideoServers.Require(janus: true, browser: false);
        Skip.If(string.IsNullOrEmpty(VideoServers.JanusAdminKey) && !CiRun, "Janus runs without an admin_key");
        await using var ours = Services(VideoServers.JanusAdminKey);
        await using var stranger = Services("not-the-key");
        var room = await ours.GetRequiredService<IVideoRoom>().CreateRoomAsync("会商", 3);
        try
        {
            await Assert.ThrowsAnyAsync<VideoRoomException>(() => stranger.GetRequiredService<IVideoRoom>().CreateRoomAsync("会商", 3));

            // The stranger's pin, derived from another key, does not open the room.
            var refused = await Assert.ThrowsAnyAsync<JanusException>(() => stranger.GetRequiredService<IVideoRoom>().SubscribeAsync(room, 1));
            Assert.NotEqual(0, refused.Code);
        }
        finally
        {
            await ours.GetRequiredService<IVideoRoom>().DestroyRoomAsync(room);
        }
    }

    [Fact]
    public async Task Without_janus_conferences_are_off_and_say_so_in_chinese()
    {
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddLogging().AddVideo().BuildServiceProvider();
        var rooms = services.GetRequiredService<IVideoRoom>();

        Assert.False(rooms.Enabled);
        var refused = await Assert.ThrowsAsync<VideoRoomException>(() => rooms.CreateRoomAsync("会商", 3));
        Assert.Contains("未配置视频会商服务", refused.Message, StringComparison.Ordinal);
    }

    private static bool CiRun => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The browser's candidates to Janus as it gathers them, then the end of them.</summary>
    private static async Task TrickleAsync(IVideoRoom rooms, long handle, VideoPage page, string id)
    {
        foreach (var candidate in await page.IceCandidatesAsync(id))
        {
            await rooms.TrickleAsync(handle, candidate);
        }

        await rooms.TrickleAsync(handle, null);
    }

    private static async Task<VideoRoomEvent> NextAsync(Channel<VideoRoomEvent> changes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await changes.Reader.ReadAsync(timeout.Token);
    }
}
