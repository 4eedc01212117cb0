namespace Command.Runtime;

/// <summary>The stored state of a grain and the ETag it was read with.</summary>
public interface IGrainState<TState>
{
    TState State { get; set; }

    string? ETag { get; set; }

    bool RecordExists { get; set; }
}

/// <summary>A grain's persistent state, injected into the grain constructor with <see cref="PersistentStateAttribute"/>.
/// It is read before <c>OnActivateAsync</c>. Writes check the ETag.</summary>
public interface IPersistentState<TState> : IStorage<TState>;

public interface IStorage
{
    string? Etag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync();

    Task WriteStateAsync();

    Task ClearStateAsync();
}

public interface IStorage<TState> : IStorage
{
    TState State { get; set; }
}

/// <summary>Keeps grain state. The runtime's implementation is ADO.NET over SQLite or PostgreSQL.</summary>
public interface IGrainStorage
{
    Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);

    Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);

    Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);
}

/// <summary>Upgrades stored JSON of one state class from one schema version to the next.</summary>
public interface IStateMigration
{
    Type StateType { get; }

    /// <summary>The version this migration reads; it produces <c>FromVersion + 1</c>.</summary>
    int FromVersion { get; }

    System.Text.Json.Nodes.JsonNode Migrate(System.Text.Json.Nodes.JsonNode payload);
}
