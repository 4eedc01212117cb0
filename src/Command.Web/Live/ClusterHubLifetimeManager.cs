using System.Collections.Concurrent;
using System.Text.Json;
using Command.Grains.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Command.Web.Live;

/// <summary>
/// A hub's sends reach its connections on every silo, with Orleans as the backplane (no Redis here). This silo's connections
/// and their groups stay in a <see cref="DefaultHubLifetimeManager{THub}"/>; every send is also published on the
/// <see cref="SiloMesh"/>, and each other silo hands it to its own default manager (never relaying it again). A send to a
/// connection of this silo is not relayed. Alone, a send costs what it costs without this manager, plus one volatile read.
/// </summary>
/// <remarks>
/// What is relayed is the client method and its arguments as one JSON array written with the hub protocol's payload options,
/// read back as <see cref="JsonElement"/>s, which the JSON protocol writes out unchanged. The Redis backplane instead relays
/// a <c>SerializedHubMessage</c> (the message pre-serialised for every protocol) and writes those bytes to connections it
/// keeps itself; that needs the connection store and groups re-implemented here, for a gain of nothing while JSON is the
/// only protocol, and signalling is a few small messages per call. Adding the MessagePack protocol would need that instead.
/// Client results (<c>InvokeConnectionAsync</c>) stay with this silo's connections: no hub uses them.
/// </remarks>
internal sealed partial class ClusterHubLifetimeManager<THub> : HubLifetimeManager<THub>, IMeshHandler
    where THub : Hub
{
    private readonly DefaultHubLifetimeManager<THub> local;
    private readonly ConcurrentDictionary<string, byte> here = new(StringComparer.Ordinal);
    private readonly SiloMesh mesh;
    private readonly JsonSerializerOptions json;
    private readonly ILogger log;

    public ClusterHubLifetimeManager(SiloMesh mesh, IOptions<JsonHubProtocolOptions> protocol, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(loggers);
        this.mesh = mesh;
        json = protocol.Value.PayloadSerializerOptions;
        local = new DefaultHubLifetimeManager<THub>(loggers.CreateLogger<DefaultHubLifetimeManager<THub>>());
        log = loggers.CreateLogger<ClusterHubLifetimeManager<THub>>();
    }

    /// <summary>The same on every silo: the hub's name.</summary>
    public string Channel { get; } = "hub:" + typeof(THub).FullName;

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        here.TryAdd(connection.ConnectionId, 0);
        return local.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        here.TryRemove(connection.ConnectionId, out _);
        return local.OnDisconnectedAsync(connection);
    }

    /// <summary>Only a connection of this silo joins a group (hub methods add their own caller).</summary>
    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
        => local.AddToGroupAsync(connectionId, groupName, cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
        => local.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        Relay(MeshHubTarget.All, [], [], methodName, args);
        return local.SendAllAsync(methodName, args, cancellationToken);
    }

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        Relay(MeshHubTarget.All, [], excludedConnectionIds, methodName, args);
        return local.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);
    }

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (here.ContainsKey(connectionId))
        {
            return local.SendConnectionAsync(connectionId, methodName, args, cancellationToken);
        }

        Relay(MeshHubTarget.Connections, [connectionId], [], methodName, args);
        return Task.CompletedTask;
    }

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        if (!mesh.HasPeers)
        {
            // Alone: every connection there is is here.
            return local.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);
        }

        var elsewhere = connectionIds.Where(id => !here.ContainsKey(id)).ToList();
        if (elsewhere.Count > 0)
        {
            Relay(MeshHubTarget.Connections, elsewhere, [], methodName, args);
        }

        return elsewhere.Count == connectionIds.Count ? Task.CompletedTask : local.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        Relay(MeshHubTarget.Groups, [groupName], [], methodName, args);
        return local.SendGroupAsync(groupName, methodName, args, cancellationToken);
    }

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        Relay(MeshHubTarget.Groups, groupNames, [], methodName, args);
        return local.SendGroupsAsync(groupNames, methodName, args, cancellationToken);
    }

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        Relay(MeshHubTarget.Groups, [groupName], excludedConnectionIds, methodName, args);
        return local.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);
    }

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        Relay(MeshHubTarget.Users, [userId], [], methodName, args);
        return local.SendUserAsync(userId, methodName, args, cancellationToken);
    }

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        Relay(MeshHubTarget.Users, userIds, [], methodName, args);
        return local.SendUsersAsync(userIds, methodName, args, cancellationToken);
    }

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken)
        => local.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result)
        => local.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type)
        => local.TryGetReturnType(invocationId, out type);

    /// <summary>Another silo's send: to this silo's connections only.</summary>
    public Task ReceiveAsync(object payload)
    {
        if (payload is not MeshHubSend send)
        {
            return Task.CompletedTask;
        }

        var args = JsonSerializer.Deserialize<JsonElement[]>(send.Arguments, json) is { } read ? read.Cast<object?>().ToArray() : [];
        return send.Target switch
        {
            MeshHubTarget.All when send.Excluded.Length == 0 => local.SendAllAsync(send.Method, args),
            MeshHubTarget.All => local.SendAllExceptAsync(send.Method, args, send.Excluded),
            MeshHubTarget.Connections => local.SendConnectionsAsync(send.Names.Where(here.ContainsKey).ToList(), send.Method, args),
            MeshHubTarget.Groups when send.Excluded.Length == 0 => local.SendGroupsAsync(send.Names, send.Method, args),
            MeshHubTarget.Groups => Task.WhenAll(send.Names.Select(g => local.SendGroupExceptAsync(g, send.Method, args, send.Excluded))),
            MeshHubTarget.Users => local.SendUsersAsync(send.Names, send.Method, args),
            _ => Task.CompletedTask,
        };
    }

    private void Relay(MeshHubTarget target, IReadOnlyList<string> names, IReadOnlyList<string> excluded, string method, object?[] args)
    {
        if (!mesh.HasPeers)
        {
            return;
        }

        byte[] arguments;
        try
        {
            arguments = JsonSerializer.SerializeToUtf8Bytes(args, json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            LogUnserialisable(log, e, method);
            return;
        }

        mesh.Publish(Channel, new MeshHubSend(target, [.. names], [.. excluded], method, arguments));
    }

    [LoggerMessage(EventId = 528, Level = LogLevel.Warning, Message = "The arguments of {Method} could not be written for the other silos")]
    private static partial void LogUnserialisable(ILogger logger, Exception exception, string method);
}
