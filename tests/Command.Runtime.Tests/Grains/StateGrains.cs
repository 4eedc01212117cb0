using System.Text.Json.Nodes;

namespace Command.Runtime.Tests.Grains;

/// <summary>Version 2 of a state whose version 1 had FirstName and LastName.</summary>
[StateVersion(2)]
public sealed class ProfileState
{
    public string FullName { get; set; } = string.Empty;
}

public sealed class ProfileStateV1ToV2 : IStateMigration
{
    public Type StateType => typeof(ProfileState);

    public int FromVersion => 1;

    public JsonNode Migrate(JsonNode payload) =>
        new JsonObject { ["fullName"] = $"{payload["firstName"]} {payload["lastName"]}" };
}

public interface IProfileGrain : IGrainWithStringKey
{
    Task<string> NameAsync();

    Task RenameAsync(string fullName);
}

internal sealed class ProfileGrain([PersistentState("profile")] IPersistentState<ProfileState> state) : Grain, IProfileGrain
{
    public Task<string> NameAsync() => Task.FromResult(state.State.FullName);

    public Task RenameAsync(string fullName)
    {
        state.State.FullName = fullName;
        return state.WriteStateAsync();
    }
}

/// <summary>Keeps its count in memory and writes it only when deactivated: shows a graceful stop flushes.</summary>
public interface ISessionGrain : IGrainWithStringKey
{
    Task AddAsync(int amount);

    Task<int> TotalAsync();
}

public sealed class SessionState
{
    public int Total { get; set; }
}

internal sealed class SessionGrain([PersistentState("session")] IPersistentState<SessionState> state) : Grain, ISessionGrain
{
    public Task AddAsync(int amount)
    {
        state.State.Total += amount;
        return Task.CompletedTask;
    }

    public Task<int> TotalAsync() => Task.FromResult(state.State.Total);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => state.WriteStateAsync();
}
