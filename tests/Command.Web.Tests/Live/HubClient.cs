using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Command.Web.Tests.Live;

/// <summary>
/// A SignalR client over a real WebSocket with the JSON protocol (the .NET client is not obtainable here): handshake,
/// invocations with completions, and the server's <c>Changes</c> calls collected in order.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly WebSocket socket;
    private readonly Channel<JsonElement> changes = Channel.CreateUnbounded<JsonElement>();
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> calls = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task reading;
    private int nextId;

    private HubClient(WebSocket socket)
    {
        this.socket = socket;
        reading = Task.Run(ReadLoopAsync);
    }

    /// <summary>Connects to /hubs/dashboard with a bearer token (or none) and completes the handshake.</summary>
    public static Task<HubClient> ConnectAsync(WebApplicationFactory<Program> factory, string? token) =>
        ConnectAsync(factory, r =>
        {
            if (token is not null)
            {
                r.Headers.Authorization = "Bearer " + token;
            }
        });

    /// <summary>Connects with whatever the request needs (a cookie, an Origin).</summary>
    public static async Task<HubClient> ConnectAsync(WebApplicationFactory<Program> factory, Action<Microsoft.AspNetCore.Http.HttpRequest> configure)
    {
        var ws = factory.Server.CreateWebSocketClient();
        ws.ConfigureRequest = configure;

        var socket = await ws.ConnectAsync(new Uri(factory.Server.BaseAddress, "/hubs/dashboard"), CancellationToken.None);
        var client = new HubClient(socket);
        await client.SendAsync("{\"protocol\":\"json\",\"version\":1}");
        return client;
    }

    /// <summary>Invokes a hub method; answers its result, or throws with the hub's error.</summary>
    public async Task<JsonElement> InvokeAsync(string target, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (calls)
        {
            calls[id] = done;
        }

        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }));
        var completion = await done.Task.WaitAsync(TimeSpan.FromSeconds(15));
        if (completion.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException(error.GetString());
        }

        return completion.TryGetProperty("result", out var result) ? result : default;
    }

    /// <summary>Waits for a pushed batch that satisfies <paramref name="match"/>, skipping others.</summary>
    public async Task<JsonElement> NextChangesAsync(Func<JsonElement, bool> match, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (true)
        {
            var batch = await changes.Reader.ReadAsync(timeout.Token);
            if (match(batch))
            {
                return batch;
            }
        }
    }

    /// <summary>Every batch received so far, without waiting.</summary>
    public List<JsonElement> Received()
    {
        var list = new List<JsonElement>();
        while (changes.Reader.TryRead(out var batch))
        {
            list.Add(batch);
        }

        return list;
    }

    private Task SendAsync(string message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message + Separator), WebSocketMessageType.Text, true, stop.Token);

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1 << 16];
        var text = new StringBuilder();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
                var all = text.ToString();
                var end = all.LastIndexOf(Separator);
                if (end < 0)
                {
                    continue;
                }

                text.Clear().Append(all[(end + 1)..]);
                foreach (var frame in all[..end].Split(Separator))
                {
                    Dispatch(JsonDocument.Parse(frame).RootElement.Clone());
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            changes.Writer.TryComplete();
        }
    }

    private void Dispatch(JsonElement message)
    {
        if (!message.TryGetProperty("type", out var type))
        {
            return; // the handshake answer
        }

        switch (type.GetInt32())
        {
            case 1 when message.GetProperty("target").GetString() == "Changes":
                changes.Writer.TryWrite(message.GetProperty("arguments")[0]);
                break;
            case 3:
                TaskCompletionSource<JsonElement>? done;
                lock (calls)
                {
                    calls.Remove(message.GetProperty("invocationId").GetString()!, out done);
                }

                done?.TrySetResult(message);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        await reading;
        socket.Dispose();
        stop.Dispose();
    }
}
