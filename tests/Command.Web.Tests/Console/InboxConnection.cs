using System.Text.Json;
using System.Threading.Channels;
using Command.Web.Hosting;
using Command.Web.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests.Console;

/// <summary>A console's or phone's inbox connection: the .NET SignalR client with a bearer token, keeping every push as JSON.</summary>
public sealed class InboxConnection : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly Channel<JsonElement> unread = Channel.CreateUnbounded<JsonElement>();
    private readonly Channel<JsonElement> orders = Channel.CreateUnbounded<JsonElement>();
    private readonly TaskCompletionSource<JsonElement> signedOut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private InboxConnection(HubConnection connection)
    {
        this.connection = connection;
        connection.On<JsonElement>(nameof(ILiveSessionClient.SignedOut), reason => signedOut.TrySetResult(reason));
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        connection.On<JsonElement>(nameof(IInboxClient.Inbox), batch => unread.Writer.TryWrite(batch));
        connection.On<JsonElement>(nameof(IInboxClient.Order), order => orders.Writer.TryWrite(order));
    }

    /// <summary>Waits for a pushed dispatch order with this id that satisfies <paramref name="match"/>, passing over others.</summary>
    public async Task<JsonElement> NextOrderAsync(string id, Func<JsonElement, bool> match, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (true)
        {
            var order = await orders.Reader.ReadAsync(timeout.Token);
            if (order.GetProperty("id").GetString() == id && match(order))
            {
                return order;
            }
        }
    }

    public static async Task<InboxConnection> ConnectAsync(WebApplicationFactory<Program> factory, string token)
    {
        var server = factory.Server;
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, InboxExtensions.HubPath), o =>
            {
                o.Transports = HttpTransportType.LongPolling;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.UseCommandJson())
            .Build();
        var inbox = new InboxConnection(hub);
        try
        {
            await hub.StartAsync();
            return inbox;
        }
        catch
        {
            await inbox.DisposeAsync();
            throw;
        }
    }

    public Task<JsonElement> WatchAsync() => connection.InvokeAsync<JsonElement>("Watch");

    /// <summary>Waits for a pushed item of the case that satisfies <paramref name="match"/>, passing over others.</summary>
    public async Task<JsonElement> NextItemAsync(string code, Func<JsonElement, bool> match, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (true)
        {
            var batch = await unread.Reader.ReadAsync(timeout.Token);
            foreach (var item in batch.GetProperty("items").EnumerateArray())
            {
                if (item.GetProperty("code").GetString() == code && match(item))
                {
                    return item;
                }
            }
        }
    }

    /// <summary>The reason the hub gave when it ended this connection's session (<c>{ code, message }</c>).</summary>
    public Task<JsonElement> SignedOutAsync(TimeSpan within) => signedOut.Task.WaitAsync(within);

    /// <summary>Completes when the connection closed (and, without automatic reconnect, stays closed).</summary>
    public Task ClosedAsync(TimeSpan within) => closed.Task.WaitAsync(within);

    public HubConnectionState State => connection.State;

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
