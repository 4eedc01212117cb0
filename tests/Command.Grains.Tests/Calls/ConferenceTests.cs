using Command.Data;
using Command.Grains.Calls;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Grains.Tests.Calls;

/// <summary>视频会商: who may join, whose handles are whose, and the host's leaving ends it.</summary>
public sealed class ConferenceTests
{
    private static ConferenceOpen Open() => new(
        "leader", "和林格尔县领导", "center-150123", "wall-1",
        [new ConferenceParty("center-150123100", "城关镇综治中心"), new ConferenceParty("center-150123101", "盛乐镇综治中心")], 4242, "C-1", null);

    [Fact]
    public async Task Only_invited_parties_join_and_only_a_joined_device_reaches_the_room_and_its_own_handles()
    {
        await using var cluster = await CallStateTests.StartAsync();
        var id = Guid.NewGuid().ToString("N");
        var conference = cluster.GrainFactory.GetGrain<IConferenceGrain>(id);
        Assert.True((await conference.OpenAsync(Open())).Ok);

        // Not invited: as for no conference; invited: joins.
        Assert.Equal(CallRefusal.NotFound, (await conference.JoinAsync("town-150123102", "x", "center-150123102", "d-x")).Refusal);
        var joined = await conference.JoinAsync("town-150123100", "城关镇综治中心", "center-150123100", "d-a");
        Assert.Equal(["和林格尔县领导", "城关镇综治中心"], joined.Conference!.Members.Select(m => m.Name));

        Assert.Equal(4242, (await conference.RoomForAsync("town-150123100", "d-a")).Conference!.Room);
        Assert.Equal(CallRefusal.NotFound, (await conference.RoomForAsync("town-150123100", "d-other")).Refusal);
        Assert.Equal(CallRefusal.NotFound, (await conference.RoomForAsync("town-150123101", "d-b")).Refusal);

        await conference.AddHandleAsync("town-150123100", "d-a", 7);
        Assert.True(await conference.OwnsAsync("town-150123100", "d-a", 7));
        Assert.False(await conference.OwnsAsync("leader", "wall-1", 7));
        Assert.Equal(CallRefusal.NotFound, (await conference.AddHandleAsync("town-150123101", "d-b", 8)).Refusal);

        // A participant's leaving ends only its handles; the host's ends every handle and the conference.
        await conference.JoinAsync("town-150123101", "盛乐镇综治中心", "center-150123101", "d-b");
        await conference.AddHandleAsync("town-150123101", "d-b", 8);
        await conference.AddHandleAsync("leader", "wall-1", 9);
        Assert.Equal([7L], (await conference.LeaveAsync("town-150123100", "d-a")).Handles);
        var closed = await conference.LeaveAsync("leader", "wall-1");
        Assert.False(closed.Conference!.Open);
        Assert.Equal([8L, 9L], closed.Handles.Order());
        Assert.Equal(CallRefusal.NotFound, (await conference.JoinAsync("town-150123100", "城关镇综治中心", "center-150123100", "d-a")).Refusal);

        var actions = new List<string>();
        await cluster.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement("SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY id", $"conference:{id}"), r => actions.Add($"{r.GetString(0)}:{r.GetString(1)}"));
        Assert.Equal(
            ["leader:conference-open", "town-150123100:conference-join", "town-150123101:conference-join", "town-150123100:conference-leave", "leader:conference-close"],
            actions);
    }
}
