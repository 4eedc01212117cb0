using Orleans;

namespace Command.Grains.Calls;

/// <summary>
/// 视频会商: a conference of 3–6 parties in one SFU room, keyed by a random id. It knows who was invited, who has joined
/// on which device, and which SFU handles each device holds, so only a joined device reaches the room's media and only
/// its own handles. Every step goes to the audit log with who and when.
/// </summary>
public interface IConferenceGrain : IGrainWithStringKey
{
    /// <summary>Opens the conference with its host joined on <paramref name="open"/>'s device; Conflict when the id is taken.</summary>
    Task<ConferenceOutcome> OpenAsync(ConferenceOpen open);

    /// <summary>An invited party (or the host) joins on a device.</summary>
    Task<ConferenceOutcome> JoinAsync(string user, string name, string party, string device);

    /// <summary>The room, for a device that has joined; NotFound for anyone else.</summary>
    Task<ConferenceOutcome> RoomForAsync(string user, string device);

    /// <summary>Records an SFU handle (a publication or a subscription) of a joined device.</summary>
    Task<ConferenceOutcome> AddHandleAsync(string user, string device, long handle);

    /// <summary>Whether <paramref name="handle"/> is one of the device's own.</summary>
    Task<bool> OwnsAsync(string user, string device, long handle);

    /// <summary>The device leaves; the outcome lists its handles to end. When the host leaves, the conference closes.</summary>
    Task<ConferenceOutcome> LeaveAsync(string user, string device);
}

/// <summary>One invited party: whose devices ring (worker-{id} or a unit) and the name shown.</summary>
[GenerateSerializer, Immutable]
public sealed record ConferenceParty(string Party, string Name);

/// <summary>One joined device.</summary>
[GenerateSerializer, Immutable]
public sealed record ConferenceMember(string User, string Name, string Party, string Device, DateTimeOffset JoinedAt);

[GenerateSerializer, Immutable]
public sealed record ConferenceOpen(
    string Host, string HostName, string HostParty, string HostDevice, IReadOnlyList<ConferenceParty> Invited, long Room, string? CaseCode, string? OrderId);

/// <summary>The conference as it stands.</summary>
[GenerateSerializer, Immutable]
public sealed record ConferenceRecord(
    string Id, string Host, string HostName, IReadOnlyList<ConferenceParty> Invited, IReadOnlyList<ConferenceMember> Members, long Room,
    string? CaseCode, string? OrderId, DateTimeOffset StartedAt, DateTimeOffset? EndedAt)
{
    public bool Open => EndedAt is null;
}

[GenerateSerializer, Immutable]
public sealed record ConferenceOutcome(CallRefusal Refusal, ConferenceRecord? Conference, IReadOnlyList<long> Handles)
{
    public bool Ok => Refusal == CallRefusal.None;

    public static ConferenceOutcome Done(ConferenceRecord conference, IReadOnlyList<long>? handles = null) => new(CallRefusal.None, conference, handles ?? []);

    public static readonly ConferenceOutcome NotFound = new(CallRefusal.NotFound, null, []);
}
