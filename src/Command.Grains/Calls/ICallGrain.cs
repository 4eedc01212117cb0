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
}
