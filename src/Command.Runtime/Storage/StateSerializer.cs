using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Command.Runtime.Storage;

/// <summary>State payloads are JSON (System.Text.Json) stored beside the state class's schema version. Older
/// payloads are upgraded by registered <see cref="IStateMigration"/>s on read; newer ones are refused.</summary>
internal sealed class StateSerializer
{
    private readonly Dictionary<(Type, int), IStateMigration> migrations;

    public StateSerializer(IEnumerable<IStateMigration> migrations)
    {
        this.migrations = migrations.ToDictionary(m => (m.StateType, m.FromVersion));
    }

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static int VersionOf(Type stateType) => stateType.GetCustomAttribute<StateVersionAttribute>()?.Version ?? 1;

    public string Serialize<T>(T state) => JsonSerializer.Serialize(state, Options);

    public T Deserialize<T>(string payload, int storedVersion)
    {
        var current = VersionOf(typeof(T));
        if (storedVersion == current)
        {
            return JsonSerializer.Deserialize<T>(payload, Options)!;
        }

        if (storedVersion > current)
        {
            throw new GrainStorageException(
                $"Stored {typeof(T).Name} has schema version {storedVersion}, newer than this build's {current}; refusing to read it and lose fields.");
        }

        var node = JsonNode.Parse(payload)!;
        for (var version = storedVersion; version < current; version++)
        {
            if (!migrations.TryGetValue((typeof(T), version), out var migration))
            {
                throw new GrainStorageException($"No migration of {typeof(T).Name} from schema version {version} to {version + 1} is registered.");
            }

            node = migration.Migrate(node);
        }

        return node.Deserialize<T>(Options)!;
    }
}
