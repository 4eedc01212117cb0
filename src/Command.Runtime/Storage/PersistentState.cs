namespace Command.Runtime.Storage;

/// <summary>The runtime's <see cref="IPersistentState{TState}"/>: one named state of one grain in one storage.</summary>
internal sealed class PersistentState<TState>(string stateName, GrainId grainId, IGrainStorage storage) : IPersistentState<TState>, IGrainState<TState>
{
    public TState State { get; set; } = Activator.CreateInstance<TState>();

    public string? ETag { get; set; }

    public string? Etag => ETag;

    public bool RecordExists { get; set; }

    public Task ReadStateAsync() => storage.ReadStateAsync(stateName, grainId, this);

    public Task WriteStateAsync() => storage.WriteStateAsync(stateName, grainId, this);

    public Task ClearStateAsync() => storage.ClearStateAsync(stateName, grainId, this);
}
