using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Command.Web.Video;

/// <summary>
/// One Janus session over its HTTP API (https://janus.conf.meetecho.com/docs/rest.html): requests are POSTed with a
/// transaction id; an asynchronous answer (a plugin's "event" with its jsep) and everything Janus tells on its own
/// (webrtcup, hangup, detached) arrive on a long poll, GET /janus/{session}?maxev=N, which also keeps the session alive.
/// A session Janus forgot (it timed out, Janus restarted) is reported with <see cref="Lost"/> and a new one is made on the
/// next request.
/// </summary>
internal sealed partial class JanusSession(HttpClient http, JanusOptions options, ILogger logger) : IAsyncDisposable
{
    private const int NoSuchSession = 458;
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(45);   // Janus answers an idle poll after 30 s

    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> pending = new();
    private readonly SemaphoreSlim opening = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly string baseUrl = options.Url!.TrimEnd('/');
    private long session;
    private Task? poll;

    /// <summary>An event Janus sent on its own, or a plugin event no request waits for; raised on the poll's thread.</summary>
    public event Action<JsonElement>? Event;

    /// <summary>The session is gone with every handle in it; raised on the poll's thread.</summary>
    public event Action? Lost;

    /// <summary>Sends <paramref name="message"/> to the session (or to one of its handles) and returns Janus' answer: the
    /// plugin's event for an asynchronous request (<paramref name="awaitEvent"/>), else the immediate "success".</summary>
    public async Task<JsonElement> SendAsync(long? handle, JsonObject message, bool awaitEvent, CancellationToken cancellationToken)
    {
        var id = await SessionAsync(cancellationToken);
        var path = handle is { } h ? $"{baseUrl}/{id}/{h}" : $"{baseUrl}/{id}";
        return await PostAsync(path, message, awaitEvent, cancellationToken);
    }

    private async Task<JsonElement> PostAsync(string path, JsonObject message, bool awaitEvent, CancellationToken cancellationToken)
    {
        var transaction = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        message["transaction"] = transaction;
        if (!string.IsNullOrEmpty(options.ApiSecret))
        {
            message["apisecret"] = options.ApiSecret;
        }

        var waiter = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (awaitEvent)
        {
            pending[transaction] = waiter;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            using var response = await http.PostAsJsonAsync(path, message, timeout.Token);
            response.EnsureSuccessStatusCode();
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
            var kind = answer.GetProperty("janus").GetString();
            if (kind == "error")
            {
                throw Refused(answer);
            }

            if (!awaitEvent || kind != "ack")
            {
                return answer;
            }

            return await waiter.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VideoRoomException("视频会商服务无响应，请稍后重试");
        }
        catch (HttpRequestException e)
        {
            throw new VideoRoomException("无法连接视频会商服务，请稍后重试", e);
        }
        finally
        {
            pending.TryRemove(transaction, out _);
        }
    }

    private async Task<long> SessionAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref session) is not 0 and var open)
        {
            return open;
        }

        await opening.WaitAsync(cancellationToken);
        try
        {
            if (session == 0)
            {
                var created = await PostAsync(baseUrl, new JsonObject { ["janus"] = "create" }, awaitEvent: false, cancellationToken);
                var id = created.GetProperty("data").GetProperty("id").GetInt64();
                Volatile.Write(ref session, id);
                LogSession(logger, id, baseUrl);
                if (poll is null || poll.IsCompleted)
                {
                    poll = Task.Run(() => PollAsync(stopping.Token), CancellationToken.None);
                }
            }

            return session;
        }
        finally
        {
            opening.Release();
        }
    }

    /// <summary>The long poll: every event of the session, in order, until the silo stops.</summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested && Volatile.Read(ref session) is not 0 and var id)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(PollTimeout);
                var secret = string.IsNullOrEmpty(options.ApiSecret) ? "" : "&apisecret=" + Uri.EscapeDataString(options.ApiSecret);
                var events = await http.GetFromJsonAsync<JsonElement>($"{baseUrl}/{id}?maxev=20{secret}", timeout.Token);
                failures = 0;
                foreach (var item in events.ValueKind == JsonValueKind.Array ? events.EnumerateArray().ToArray() : [events])
                {
                    Dispatch(id, item);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException or KeyNotFoundException or InvalidOperationException)
            {
                // Janus restarting or briefly away: try again, and after a while consider the session lost.
                LogPollFailed(logger, e, id);
                if (++failures >= 3)
                {
                    Forget(id);
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Dispatch(long id, JsonElement item)
    {
        var kind = item.TryGetProperty("janus", out var k) ? k.GetString() : null;
        if (kind == "keepalive")
        {
            return;
        }

        if (kind == "error" && item.TryGetProperty("error", out var error) && error.GetProperty("code").GetInt32() == NoSuchSession)
        {
            Forget(id);
            return;
        }

        if (item.TryGetProperty("transaction", out var t) && t.GetString() is { } transaction && pending.TryRemove(transaction, out var waiter))
        {
            if (kind == "error")
            {
                waiter.TrySetException(Refused(item));
            }
            else
            {
                waiter.TrySetResult(item.Clone());
            }

            return;
        }

        Event?.Invoke(item.Clone());
    }

    private void Forget(long id)
    {
        if (Interlocked.CompareExchange(ref session, 0, id) == id)
        {
            LogSessionLost(logger, id);
            foreach (var waiter in pending.Values)
            {
                waiter.TrySetException(new VideoRoomException("视频会商服务已重启，请重新加入"));
            }

            Lost?.Invoke();
        }
    }

    /// <summary>Janus' own refusal (a bad request, no such handle): logged in English, told to users in Chinese.</summary>
    internal static VideoRoomException Refused(JsonElement answer)
    {
        var error = answer.GetProperty("error");
        return new JanusException(error.GetProperty("code").GetInt32(), error.TryGetProperty("reason", out var r) ? r.GetString() ?? "" : "");
    }

    public async ValueTask DisposeAsync()
    {
        var id = Interlocked.Exchange(ref session, 0);
        if (id != 0)
        {
            try
            {
                await PostAsync($"{baseUrl}/{id}", new JsonObject { ["janus"] = "destroy" }, awaitEvent: false, CancellationToken.None);
            }
            catch (VideoRoomException)
            {
                // Janus gone too: it forgets the session by itself.
            }
        }

        await stopping.CancelAsync();
        if (poll is not null)
        {
            await poll.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        stopping.Dispose();
        opening.Dispose();
    }

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Janus session {Session} opened at {Url}")]
    private static partial void LogSession(ILogger logger, long session, string url);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Janus session {Session} lost: its handles are gone")]
    private static partial void LogSessionLost(ILogger logger, long session);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Polling Janus session {Session} failed")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, long session);
}

/// <summary>An error Janus answered (its code: 458 no such session, 459 no such handle, 426 no such room, …).</summary>
internal sealed class JanusException(int code, string reason)
    : VideoRoomException($"视频会商服务拒绝了请求（{code}）")
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;
}
