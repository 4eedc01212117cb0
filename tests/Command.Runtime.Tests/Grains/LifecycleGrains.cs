namespace Command.Runtime.Tests.Grains;

/// <summary>Fails to activate while the probe says so.</summary>
public interface IFragileGrain : IGrainWithStringKey
{
    Task<string> HelloAsync();
}

internal sealed class FragileGrain(Probe probe) : Grain, IFragileGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"activating {this.GetPrimaryKeyString()}");
        if (probe.Count("allow activation") == 0)
        {
            // Fails only when the test opens the gate, so every caller it started is waiting on this activation.
            await probe.Gate.Task;
            throw new InvalidOperationException("档案库暂不可用");
        }
    }

    public Task<string> HelloAsync() => Task.FromResult("你好");
}

/// <summary>Collected after two idle minutes, whatever the silo's default.</summary>
public interface IShortLivedGrain : IGrainWithStringKey
{
    Task<Guid> ActivationIdAsync();

    Task StayAsync(TimeSpan atLeast);
}

[CollectionAgeLimit(Minutes = 2)]
internal sealed class ShortLivedGrain : Grain, IShortLivedGrain
{
    private readonly Guid id = Guid.NewGuid();

    public Task<Guid> ActivationIdAsync() => Task.FromResult(id);

    public Task StayAsync(TimeSpan atLeast)
    {
        DelayDeactivation(atLeast);
        return Task.CompletedTask;
    }
}
