using System.Text.Json;
using System.Threading.Channels;
using Command.Web.Hosting;
using Command.Web.Video;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests.Video;

/// <summary>
/// A browser's video connection: the .NET SignalR client, keeping every push in order, and a record of each push's method
/// and call (or conference) id, read or not.
/// </summary>
internal sealed class VideoConnection : IAsyncDisposable
{
    private static readonly string[] Methods =
        ["Ring", "RingStopped", "Accepted", "Ended", "Missed", "Signal", "ConferenceInvite", "FeedJoined", "FeedLeft", "ConferenceEnded", "PeerBack"];

    private readonly HubConnection connection;
    private readonly TimeSpan within;
    private readonly Channel<(string Method, JsonElement[] Arguments)> pushes = Channel.CreateUnbounded<(string, JsonElement[])>();
    private readonly List<(string Method, string CallId)> seen = [];

    private VideoConnection(HubConnection connection, TimeSpan within)
    {
        this.connection = connection;
        this.within = within;
        foreach (var method in Methods)
        {
            var count = method switch
            {
                "Signal" => 2,
                "FeedJoined" => 3,
                "FeedLeft" => 2,
                _ => 1,
            };
            connection.On(method, Enumerable.Repeat(typeof(JsonElement), count).ToArray(), args =>
            {
                JsonElement[] arguments = [.. args.Cast<JsonElement>()];
                lock (seen)
                {
                    seen.Add((method, IdOf(arguments)));
                }

                pushes.Writer.TryWrite((method, arguments));
                return Task.CompletedTask;
            });
        }
    }

    /// <summary>Starts <paramref name="hub"/>; a push awaited longer than <paramref name="within"/> fails the wait.</summary>
    public static async Task<VideoConnection> StartAsync(HubConnection hub, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var video = new VideoConnection(hub, within);
        try
        {
            await hub.StartAsync();
            return video;
        }
        catch
        {
            await video.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connected to the in-process silo of <paramref name="silo"/> (long polling through its test server).</summary>
    public static Task<VideoConnection> ConnectAsync(DemoSilo silo, string token)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var server = silo.Factory.Server;
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, CallExtensions.HubPath), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.UseCommandJson())
            .Build();
        return StartAsync(hub, TimeSpan.FromSeconds(10));
    }

    /// <summary>Every push so far, in arrival order, as its method and call id (whether or not read).</summary>
    public IReadOnlyList<(string Method, string CallId)> Seen
    {
        get
        {
            lock (seen)
            {
                return [.. seen];
            }
        }
    }

    public Task<JsonElement> InvokeAsync(string method, params object?[] args) => connection.InvokeCoreAsync<JsonElement>(method, args);

    /// <summary>The next push of <paramref name="method"/>, passing over others.</summary>
    public async Task<JsonElement[]> NextAsync(string method) =>
        await TryNextAsync(method, within) ?? throw new TimeoutException($"No {method} reached this connection within {within.TotalSeconds:0} s");

    /// <summary>The next push of <paramref name="method"/> if one comes within <paramref name="wait"/>, passing over others.</summary>
    public async Task<JsonElement[]?> TryNextAsync(string method, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                var push = await pushes.Reader.ReadAsync(timeout.Token);
                if (push.Method == method)
                {
                    return push.Arguments;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task<(string Method, JsonElement[] Arguments)> NextAnyAsync()
    {
        using var timeout = new CancellationTokenSource(within);
        return await pushes.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Every push up to and including the <paramref name="method"/> push for <paramref name="callId"/>, once it came.</summary>
    public async Task<IReadOnlyList<(string Method, string CallId)>> SeenUntilAsync(string method, string callId)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var push = await pushes.Reader.ReadAsync(timeout.Token);
                if (push.Method == method && IdOf(push.Arguments) == callId)
                {
                    lock (seen)
                    {
                        return [.. seen.Take(seen.IndexOf((method, callId)) + 1)];
                    }
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No {method} for call {callId} reached this connection within {within.TotalSeconds:0} s");
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    /// <summary>The call or conference a push is about: its first argument, an id or a view with one.</summary>
    private static string IdOf(JsonElement[] arguments) => arguments.Length == 0 ? "" : arguments[0] switch
    {
        { ValueKind: JsonValueKind.String } id => id.GetString() ?? "",
        { ValueKind: JsonValueKind.Object } view when view.TryGetProperty("id", out var id) => id.GetString() ?? "",
        _ => "",
    };
}
