namespace Command.Runtime.Tests.Grains;

/// <summary>Methods that record how requests overlap: requests in flight, and threads inside grain code at once.</summary>
public interface ITurnMethods
{
    Task<int> WorkAsync(int delayMs);

    [ReadOnly]
    Task<int> ReadAsync(int delayMs);

    [AlwaysInterleave]
    Task<string> PingInterleavedAsync();

    /// <summary>Enters, waits for the probe's gate, then runs a long synchronous section: once the gate opens, every
    /// waiting request's continuation is posted to the activation at the same moment.</summary>
    Task WorkAfterGateAsync();

    Task<TurnStats> StatsAsync();
}

public interface ITurnGrain : ITurnMethods, IGrainWithIntegerKey;

public interface IReentrantTurnGrain : ITurnMethods, IGrainWithIntegerKey;

public sealed record TurnStats(int MaxRequestsInFlight, int ThreadOverlaps, int Completed)
{
    /// <summary>Times a mutating request ran while any other request was in flight.</summary>
    public int WriteOverlaps { get; init; }
}

internal abstract class TurnGrainBase(Probe probe) : Grain, ITurnMethods
{
    private int inFlight;
    private int maxInFlight;
    private int threadsInside;
    private int overlaps;
    private int completed;
    private int writesInFlight;
    private int writeOverlaps;

    public Task<int> WorkAsync(int delayMs) => RunAsync(delayMs, write: true);

    public Task<int> ReadAsync(int delayMs) => RunAsync(delayMs, write: false);

    public Task<string> PingInterleavedAsync() => Task.FromResult("pong");

    public async Task WorkAfterGateAsync()
    {
        Enter(spins: 5_000);
        await probe.Gate.Task;
        SynchronousSection(spins: 20_000);
        Leave();
    }

    public Task<TurnStats> StatsAsync() => Task.FromResult(new TurnStats(maxInFlight, overlaps, completed) { WriteOverlaps = writeOverlaps });

    private async Task<int> RunAsync(int delayMs, bool write)
    {
        if (writesInFlight > 0 || (write && inFlight > 0))
        {
            writeOverlaps++;
        }

        writesInFlight += write ? 1 : 0;
        Enter();
        await Task.Delay(delayMs);
        SynchronousSection();
        Leave();
        writesInFlight -= write ? 1 : 0;
        return completed;
    }

    private void Enter(int spins = 1_000)
    {
        inFlight++;
        maxInFlight = Math.Max(maxInFlight, inFlight);
        SynchronousSection(spins);
    }

    private void Leave()
    {
        inFlight--;
        completed++;
    }

    // If two threads ever ran this grain's code at once, they would meet here.
    private void SynchronousSection(int spins = 1_000)
    {
        if (Interlocked.Increment(ref threadsInside) > 1)
        {
            Interlocked.Increment(ref overlaps);
        }

        Thread.SpinWait(spins);
        Interlocked.Decrement(ref threadsInside);
    }
}

internal sealed class TurnGrain(Probe probe) : TurnGrainBase(probe), ITurnGrain;

[Reentrant]
internal sealed class ReentrantTurnGrain(Probe probe) : TurnGrainBase(probe), IReentrantTurnGrain;

public interface ICycleGrain : IGrainWithStringKey
{
    Task<string> CallAsync(string otherKey);

    Task<string> CallBackAsync(string callerKey);

    Task<string> PingAsync();
}

internal sealed class CycleGrain : Grain, ICycleGrain
{
    public Task<string> CallAsync(string otherKey) =>
        GrainFactory.GetGrain<ICycleGrain>(otherKey).CallBackAsync(this.GetPrimaryKeyString());

    public Task<string> CallBackAsync(string callerKey) => GrainFactory.GetGrain<ICycleGrain>(callerKey).PingAsync();

    public Task<string> PingAsync() => Task.FromResult($"pong from {this.GetPrimaryKeyString()}");
}

public interface IKeyedGrain : IGrainWithIntegerKey
{
    Task<long> KeyAsync();
}

public interface IGuidKeyedGrain : IGrainWithGuidKey
{
    Task<Guid> KeyAsync();

    Task<long> AskOtherAsync(long key);
}

internal sealed class KeyedGrain : Grain, IKeyedGrain
{
    public Task<long> KeyAsync() => Task.FromResult(this.GetPrimaryKeyLong());
}

internal sealed class GuidKeyedGrain : Grain, IGuidKeyedGrain
{
    public Task<Guid> KeyAsync() => Task.FromResult(this.GetPrimaryKey());

    public Task<long> AskOtherAsync(long key) => GrainFactory.GetGrain<IKeyedGrain>(key).KeyAsync();
}
