using System.Text.Json;
using System.Threading.Channels;
using Command.Web.Hosting;
using Command.Web.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests.Live;

/// <summary>
/// A big screen's connection: the .NET SignalR client over a WebSocket into the test server, with the hub's JSON protocol,
/// keeping every batch the hub pushed. Answers and batches stay JSON, so tests read the names a screen's script reads.
/// </summary>
public sealed class DashboardConnection : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly Channel<JsonElement> unread = Channel.CreateUnbounded<JsonElement>();
    private readonly TaskCompletionSource<JsonElement> signedOut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<JsonElement> received = [];

    private DashboardConnection(HubConnection connection)
    {
        this.connection = connection;
        connection.On<JsonElement>(nameof(ILiveSessionClient.SignedOut), reason => signedOut.TrySetResult(reason));
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        connection.On<JsonElement>(nameof(IDashboardClient.Changes), batch =>
        {
            lock (received)
            {
                received.Add(batch);
            }

            unread.Writer.TryWrite(batch);
        });
    }

    /// <summary>A connection not yet started, signed in with a bearer token (or not at all).</summary>
    public static DashboardConnection Create(WebApplicationFactory<Program> factory, string? token) =>
        Create(factory, o => o.AccessTokenProvider = () => Task.FromResult(token));

    /// <summary>A connection not yet started, with whatever its requests carry (a token, a cookie, an Origin).</summary>
    public static DashboardConnection Create(WebApplicationFactory<Program> factory, Action<HttpConnectionOptions> signIn)
    {
        var server = factory.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, DashboardExtensions.HubPath), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.WebSocketFactory = async (context, cancellationToken) =>
                {
                    // The client signs its negotiate request itself; the socket of a custom factory carries what we put on it.
                    var token = context.Options.AccessTokenProvider is { } provider ? await provider() : null;
                    var socket = server.CreateWebSocketClient();
                    socket.ConfigureRequest = request =>
                    {
                        foreach (var (name, value) in context.Options.Headers)
                        {
                            request.Headers[name] = value;
                        }

                        if (token is not null)
                        {
                            request.Headers.Authorization = "Bearer " + token;
                        }
                    };
                    return await socket.ConnectAsync(context.Uri, cancellationToken);
                };
                signIn(o);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.UseCommandJson())
            .Build();
        return new DashboardConnection(connection);
    }

    /// <summary>A started connection (disposed again if it does not start).</summary>
    public static async Task<DashboardConnection> ConnectAsync(WebApplicationFactory<Program> factory, string? token)
    {
        var screen = Create(factory, token);
        try
        {
            await screen.StartAsync();
            return screen;
        }
        catch
        {
            await screen.DisposeAsync();
            throw;
        }
    }

    public Task StartAsync() => connection.StartAsync();

    /// <summary>Calls the hub's <c>Watch</c>: the snapshot, or the typed refusal.</summary>
    public Task<JsonElement> WatchAsync(string scope) => connection.InvokeAsync<JsonElement>(nameof(DashboardHub.Watch), scope);

    /// <summary>Waits for a pushed batch that satisfies <paramref name="match"/>, passing over others.</summary>
    public async Task<JsonElement> NextChangesAsync(Func<JsonElement, bool> match, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (true)
        {
            var batch = await unread.Reader.ReadAsync(timeout.Token);
            if (match(batch))
            {
                return batch;
            }
        }
    }

    /// <summary>Every batch received so far, those passed over while waiting included.</summary>
    public List<JsonElement> Received()
    {
        lock (received)
        {
            return [.. received];
        }
    }

    /// <summary>The reason the hub gave when it ended this connection's session (<c>{ code, message }</c>).</summary>
    public Task<JsonElement> SignedOutAsync(TimeSpan within) => signedOut.Task.WaitAsync(within);

    /// <summary>Completes when the connection closed (and, without automatic reconnect, stays closed).</summary>
    public Task ClosedAsync(TimeSpan within) => closed.Task.WaitAsync(within);

    public HubConnectionState State => connection.State;

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
