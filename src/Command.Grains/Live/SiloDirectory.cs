using Orleans;

namespace Command.Grains.Live;

/// <summary>
/// Where the silos find each other's observers of one kind (<typeparamref name="TPeer"/>: the live relays of the screens,
/// the mesh peers of the hubs): each registers its own every few seconds and gets the others back.
/// </summary>
public interface ISiloDirectoryGrain<TPeer> : IGrainWithIntegerKey
    where TPeer : IGrainObserver
{
    /// <summary>Registers or renews <paramref name="peer"/> for <paramref name="origin"/>; returns every other one renewed lately.</summary>
    Task<SiloMember<TPeer>[]> JoinAsync(string origin, TPeer peer);

    /// <summary>A silo that stops takes its own off at once.</summary>
    Task LeaveAsync(string origin);
}

/// <summary>A silo process (<see cref="Origin"/>, new at each start) and its observer.</summary>
[GenerateSerializer, Immutable]
public sealed record SiloMember<TPeer>(string Origin, TPeer Peer)
    where TPeer : IGrainObserver;

/// <summary>
/// Keeps the observers in memory only: when its silo dies it starts empty elsewhere and fills again within one renewal. One
/// not renewed for <see cref="Expiry"/> (its silo died without leaving) is dropped. Liveness is real time, not the domain clock.
/// </summary>
internal sealed class SiloDirectoryGrain<TPeer> : Grain, ISiloDirectoryGrain<TPeer>
    where TPeer : IGrainObserver
{
    /// <summary>How often a silo renews its entry; four missed renewals drop it.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Expiry = RenewEvery * 4;

    private readonly Dictionary<string, (TPeer Peer, long RenewedAt)> members = new(StringComparer.Ordinal);

    public Task<SiloMember<TPeer>[]> JoinAsync(string origin, TPeer peer)
    {
        var now = Environment.TickCount64;
        members[origin] = (peer, now);
        foreach (var stale in members.Where(m => now - m.Value.RenewedAt > Expiry.TotalMilliseconds).Select(m => m.Key).ToList())
        {
            members.Remove(stale);
        }

        return Task.FromResult(members.Where(m => m.Key != origin).Select(m => new SiloMember<TPeer>(m.Key, m.Value.Peer)).ToArray());
    }

    public Task LeaveAsync(string origin)
    {
        members.Remove(origin);
        return Task.CompletedTask;
    }
}
