namespace Command.Runtime.Tests.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    [ReadOnly]
    Task<int> GetAsync();

    [ReadOnly]
    Task<Guid> ActivationIdAsync();

    [ReadOnly]
    Task<(bool RecordExists, string? Etag)> StorageAsync();

    Task ClearAsync();

    Task FailAsync(string message);

    Task DeactivateAsync();

    [OneWay]
    Task NotifyAsync(string note);
}

public sealed class CounterState
{
    public int Value { get; set; }

    public List<string> History { get; set; } = [];
}

internal sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state, Probe probe) : Grain, ICounterGrain
{
    private readonly Guid activationId = Guid.NewGuid();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"activate {this.GetPrimaryKeyString()} value={state.State.Value}");
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivate {this.GetPrimaryKeyString()} {reason.ReasonCode}");
        return Task.CompletedTask;
    }

    public async Task<int> IncrementAsync()
    {
        state.State.Value++;
        state.State.History.Add($"+1 at {state.State.Value}");
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Value);

    public Task<Guid> ActivationIdAsync() => Task.FromResult(activationId);

    public Task<(bool RecordExists, string? Etag)> StorageAsync() => Task.FromResult((state.RecordExists, state.Etag));

    public Task ClearAsync() => state.ClearStateAsync();

    public Task FailAsync(string message) => throw new InvalidOperationException(message);

    public async Task NotifyAsync(string note)
    {
        await Task.Delay(200);
        if (note == "fail")
        {
            throw new InvalidOperationException("one-way failure");
        }

        probe.Record($"notified {note}");
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
