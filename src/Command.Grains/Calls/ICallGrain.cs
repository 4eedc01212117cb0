using Orleans;
using Orleans.Concurrency;

namespace Command.Grains.Calls;

/// <summary>
/// One live call, keyed by its random id. It decides every step (<see cref="CallMachine"/>), keeps the row in <c>calls</c>
/// with an audit entry for each, and knows which device (a live connection) holds each side, so signalling goes only
/// from one talker to the other.
/// </summary>
public interface ICallGrain : IGrainWithStringKey
{
    /// <summary>Starts ringing; Conflict when the id is taken.</summary>
    Task<CallOutcome> RingAsync(CallRing ring);

    /// <summary>Answers on <paramref name="device"/>; the outcome's peer is the caller's device.</summary>
    Task<CallOutcome> AcceptAsync(string user, string party, string device);

    Task<CallOutcome> DeclineAsync(string user, string party);

    /// <summary>挂断 by one of the two who talk (or the caller giving up); the outcome's peer is the other side's device.</summary>
    Task<CallOutcome> HangUpAsync(string user);

    /// <summary>The device the signalling of <paramref name="user"/> on <paramref name="device"/> goes to; NotFound for anyone not talking in this call.</summary>
    [ReadOnly]
    Task<CallOutcome> PeerAsync(string user, string device);

    /// <summary>The call as it stands, for one of its parties; NotFound for anyone else.</summary>
    Task<CallOutcome> GetAsync(string user, string party);

    /// <summary>The callee saw the missed call's notice.</summary>
    Task<CallOutcome> SeeAsync(string user, string party);

    /// <summary>
    /// A talker's page is alive (a heartbeat every few seconds). Counts for the side's own device, or adopts the device when
    /// the grain lost track of it; answers the call as it stands (over, when the other side went quiet) and the peer device.
    /// NotFound for anyone not talking in this call, or another device of theirs.
    /// </summary>
    Task<CallOutcome> BeatAsync(string user, string device);

    /// <summary>A talker's page came back on a new connection (a Wi-Fi↔4G switch, a silo gone): its signalling goes to <paramref name="device"/> from now on.</summary>
    Task<CallOutcome> ResumeAsync(string user, string device);

    /// <summary>A talker's connection dropped: the call goes on for <see cref="CallOptions.AwayFor"/>, and ends unless the side resumes within it.</summary>
    Task<CallOutcome> AwayAsync(string user, string device);
}
