using Command.Grains.Calls;
using Command.Web.Auth;

namespace Command.Web.Video;

/// <summary>
/// 视频会商 through the SFU: the host opens a room for 3–6 parties and their devices ring; a joined device publishes one
/// stream and subscribes to the others'. Every SDP and candidate goes through here to the SFU, and only for the device's
/// own handles in a conference it has joined; nobody outside it gets a subscription.
/// </summary>
internal sealed partial class VideoHub
{
    private const string ConferencesKey = "conferences";
    private const int MinOthers = 2;
    private const int MaxOthers = 5;
    private static readonly ConferenceResult NoConference = ConferenceResult.Fail("not_found", "会商不存在或已结束");

    public static string ConferenceGroup(string id) => $"conference:{id}";

    public async Task<ConferenceResult> StartConference(ConferenceRequest request)
    {
        var user = Context.User!;
        if (!CallTargets.MayCall(user.Role()))
        {
            return ConferenceResult.Fail("forbidden", "只有领导、值班员、乡镇综治中心和村(社区)可以发起视频会商");
        }

        if (request?.Targets is not { Count: >= MinOthers and <= MaxOthers } list || list.Distinct(StringComparer.Ordinal).Count() != list.Count)
        {
            return ConferenceResult.Fail("invalid", $"视频会商需邀请 {MinOthers}–{MaxOthers} 个不同的参会方");
        }

        if (await UnseenLinkAsync(request.CaseCode, request.OrderId) is { } unseen)
        {
            return new ConferenceResult(false, unseen.Error);
        }

        var invited = new List<ConferenceParty>();
        foreach (var key in list)
        {
            var (target, refusal) = targets.Resolve(user, new CallRequest(key, request.CaseCode, request.OrderId));
            if (target is null)
            {
                return new ConferenceResult(false, refusal!.Error);
            }

            invited.Add(new ConferenceParty(target.Party, target.Name));
        }

        if (!rooms.Enabled)
        {
            return ConferenceResult.Fail("unavailable", "未配置视频会商服务，暂不能进行多方会商（一对一视频通话不受影响）");
        }

        var id = Guid.NewGuid().ToString("N");
        long room;
        try
        {
            room = await rooms.CreateRoomAsync($"视频会商 {id}", MaxOthers + 1);
        }
        catch (VideoRoomException e)
        {
            return ConferenceResult.Fail("unavailable", e.Message);
        }

        var profile = user.Profile();
        var opened = await grains.GetGrain<IConferenceGrain>(id).OpenAsync(new ConferenceOpen(
            profile.UserName, profile.DisplayName, CallTargets.PartyOf(user) ?? profile.UserName, Context.ConnectionId, invited, room, request.CaseCode, request.OrderId));
        if (!opened.Ok)
        {
            await rooms.DestroyRoomAsync(room);
            return ConferenceResult.Fail("conflict", "发起会商失败，请重试");
        }

        relay.Track(room, id);
        await JoinGroupAsync(id);
        var view = ConferenceView.Of(opened.Conference!);
        foreach (var party in invited)
        {
            await Clients.Group(GroupOf(party.Party)).ConferenceInvite(view);
        }

        return new ConferenceResult(true, null, view);
    }

    public async Task<ConferenceResult> JoinConference(string conferenceId)
    {
        if (!IsId(conferenceId) || CallTargets.PartyOf(Context.User!) is not { } party)
        {
            return NoConference;
        }

        var profile = Context.User!.Profile();
        var joined = await Conference(conferenceId).JoinAsync(profile.UserName, profile.DisplayName, party, Context.ConnectionId);
        if (!joined.Ok)
        {
            return NoConference;
        }

        await JoinGroupAsync(conferenceId);
        return new ConferenceResult(true, null, ConferenceView.Of(joined.Conference!));
    }

    /// <summary>The device's stream into the room: the SFU answers the offer; the answer lists who publishes already.</summary>
    public async Task<ConferenceResult> Publish(string conferenceId, string sdpOffer)
    {
        if (!IsId(conferenceId) || sdpOffer is not { Length: > 0 and <= MaxSignal })
        {
            return ConferenceResult.Fail("invalid", "信令格式错误");
        }

        var grain = Conference(conferenceId);
        var user = Context.User!.UserName();
        if ((await grain.RoomForAsync(user, Context.ConnectionId)).Conference is not { } c)
        {
            return NoConference;
        }

        var result = await SfuAsync(async () =>
        {
            var published = await rooms.PublishAsync(c.Room, Context.User!.Profile().DisplayName, sdpOffer);
            return await KeepAsync(grain, user, published.Handle)
                ? new MediaAnswer(published.Handle, published.SdpAnswer, published.Feed, [.. published.Others.Select(o => new FeedView(o.Feed, o.Display))])
                : null;
        });
        return result is { Ok: true, Media: null } ? NoConference : result;
    }

    /// <summary>
    /// Gives a new SFU handle to the device in the conference's grain; a device that left (or a conference that ended) while
    /// the SFU was being asked gets nothing, and the handle is hung up at once instead of living on with no owner.
    /// </summary>
    private async Task<bool> KeepAsync(IConferenceGrain grain, string user, long handle)
    {
        if ((await grain.AddHandleAsync(user, Context.ConnectionId, handle)).Ok)
        {
            return true;
        }

        await rooms.LeaveAsync(handle);
        return false;
    }

    /// <summary>Another participant's stream: the SFU's offer, for the browser to answer with <see cref="StartSubscription"/>.</summary>
    public async Task<ConferenceResult> Subscribe(string conferenceId, long feed)
    {
        if (!IsId(conferenceId))
        {
            return NoConference;
        }

        var grain = Conference(conferenceId);
        var user = Context.User!.UserName();
        if ((await grain.RoomForAsync(user, Context.ConnectionId)).Conference is not { } c)
        {
            return NoConference;
        }

        var result = await SfuAsync(async () =>
        {
            var subscription = await rooms.SubscribeAsync(c.Room, feed);
            return await KeepAsync(grain, user, subscription.Handle) ? new MediaAnswer(subscription.Handle, subscription.SdpOffer, feed) : null;
        });
        return result is { Ok: true, Media: null } ? NoConference : result;
    }

    public async Task<ConferenceResult> StartSubscription(string conferenceId, long handle, string sdpAnswer)
    {
        if (!IsId(conferenceId) || sdpAnswer is not { Length: > 0 and <= MaxSignal})
        {
            return ConferenceResult.Fail("invalid", "信令格式错误");
        }

        if (!await Conference(conferenceId).OwnsAsync(Context.User!.UserName(), Context.ConnectionId, handle))
        {
            return NoConference;
        }

        return await SfuAsync(async () =>
        {
            await rooms.StartAsync(handle, sdpAnswer);
            return null;
        });
    }

    /// <summary>One of the browser's ICE candidates for one of its own handles (null candidate: gathering is complete).</summary>
    public async Task<ConferenceResult> Trickle(string conferenceId, long handle, VideoIceCandidate? candidate)
    {
        if (!IsId(conferenceId) || (candidate is not null && (candidate.Candidate is null || candidate.Candidate.Length > 2048 || candidate.SdpMid?.Length > 64)))
        {
            return ConferenceResult.Fail("invalid", "信令格式错误");
        }

        if (!await Conference(conferenceId).OwnsAsync(Context.User!.UserName(), Context.ConnectionId, handle))
        {
            return NoConference;
        }

        return await SfuAsync(async () =>
        {
            await rooms.TrickleAsync(handle, candidate);
            return null;
        });
    }

    /// <summary>Leaves the conference (the host's leaving ends it for everyone).</summary>
    public async Task<ConferenceResult> LeaveConference(string conferenceId) =>
        IsId(conferenceId) ? await LeaveConferenceAsync(conferenceId) : NoConference;

    private async Task<ConferenceResult> LeaveConferenceAsync(string conferenceId)
    {
        var left = await Conference(conferenceId).LeaveAsync(Context.User!.UserName(), Context.ConnectionId);
        if (!left.Ok)
        {
            return NoConference;
        }

        if (Context.Items.TryGetValue(ConferencesKey, out var held) && held is HashSet<string> set)
        {
            set.Remove(conferenceId);
        }

        await Groups.RemoveFromGroupAsync(Context.ConnectionId, ConferenceGroup(conferenceId));
        foreach (var handle in left.Handles)
        {
            await rooms.LeaveAsync(handle);
        }

        var c = left.Conference!;
        if (!c.Open)
        {
            await rooms.DestroyRoomAsync(c.Room);
            relay.Forget(c.Room);
            await Clients.Group(ConferenceGroup(conferenceId)).ConferenceEnded(conferenceId);
        }

        return new ConferenceResult(true, null, ConferenceView.Of(c));
    }

    private async Task LeaveConferencesAsync()
    {
        if (Context.Items.TryGetValue(ConferencesKey, out var held) && held is HashSet<string> set)
        {
            foreach (var id in set.ToArray())
            {
                try
                {
                    await LeaveConferenceAsync(id);
                }
                catch (Exception)
                {
                    // The SFU ends a handle whose peer went away on its own.
                }
            }
        }
    }

    private async Task JoinGroupAsync(string conferenceId)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, ConferenceGroup(conferenceId));
        if (!Context.Items.TryGetValue(ConferencesKey, out var held) || held is not HashSet<string> set)
        {
            Context.Items[ConferencesKey] = set = [];
        }

        set.Add(conferenceId);
    }

    private static async Task<ConferenceResult> SfuAsync(Func<Task<MediaAnswer?>> action)
    {
        try
        {
            return new ConferenceResult(true, null, null, await action());
        }
        catch (VideoRoomException e)
        {
            return ConferenceResult.Fail("unavailable", e.Message);
        }
    }

    private IConferenceGrain Conference(string id) => grains.GetGrain<IConferenceGrain>(id);
}
