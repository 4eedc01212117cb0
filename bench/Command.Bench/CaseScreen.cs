using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Command.Bench;

/// <summary>
/// A big screen as the .NET SignalR client sees it: connected to one silo's /hubs/dashboard over a WebSocket, watching
/// one scope, and noting when each case code first arrives in a pushed batch (Stopwatch ticks of this process).
/// </summary>
internal sealed class CaseScreen : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly ConcurrentDictionary<string, long> firstSeen = new(StringComparer.Ordinal);

    private CaseScreen(HubConnection connection)
    {
        this.connection = connection;
        connection.On<JsonElement>("Changes", batch =>
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var card in batch.GetProperty("cases").EnumerateArray())
            {
                firstSeen.TryAdd(card.GetProperty("code").GetString()!, now);
            }
        });
    }

    /// <summary>Connects with a token the silo issued and watches the scope; throws when the hub refuses it.</summary>
    public static async Task<CaseScreen> WatchAsync(Uri silo, string token, string scope)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(silo, "/hubs/dashboard"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var screen = new CaseScreen(connection);
        try
        {
            await connection.StartAsync();
            var answer = await connection.InvokeAsync<JsonElement>("Watch", scope);
            return answer.GetProperty("ok").GetBoolean() ? screen : throw new InvalidOperationException($"Watch {scope} was refused: {answer}");
        }
        catch
        {
            await screen.DisposeAsync();
            throw;
        }
    }

    /// <summary>When the case first arrived (Stopwatch ticks), or null.</summary>
    public long? SeenAt(string code) => firstSeen.TryGetValue(code, out var at) ? at : null;

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
