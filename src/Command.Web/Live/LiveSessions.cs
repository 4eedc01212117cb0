using System.Collections.Concurrent;
using System.Security.Claims;
using Command.Web.Auth;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;

namespace Command.Web.Live;

/// <summary>What a live hub may call on every client, whichever hub it is.</summary>
public interface ILiveSessionClient
{
    /// <summary>The session ended (the account was locked, its password reset or its role changed): the screen stops and says why.</summary>
    Task SignedOut(HubError reason);
}

/// <summary>
/// The session behind every open connection of the live hubs, asked again of the account's grain (its one owner in the
/// cluster, so a lock made through any silo counts): every <see cref="LiveOptions.SessionRecheck"/>, and before every hub
/// call. A connection whose session no longer holds is told why (<see cref="ILiveSessionClient.SignedOut"/>) and closed
/// without leave to reconnect, so it gets no further push. A check that fails (the grain unreachable) ends nothing.
/// </summary>
internal sealed partial class LiveSessions(IGrainFactory grains, IOptions<LiveOptions> options, TimeProvider time, ILogger<LiveSessions> log)
    : BackgroundService, IHubFilter
{
    public const string Ended = "账号已停用或登录信息已变更（密码重置、角色调整），实时推送已停止，请重新登录";

    private readonly ConcurrentDictionary<string, Connection> open = new();

    private sealed record Connection(HubCallerContext Context, IClientProxy Caller);

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        open[context.Context.ConnectionId] = new Connection(context.Context, context.Hub.Clients.Caller);
        await next(context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        open.TryRemove(context.Context.ConnectionId, out _);
        return next(context, exception);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var user = invocation.Context.User;
        if (user is null || !await CircuitSession.IsValidAsync(grains, user))
        {
            if (open.TryRemove(invocation.Context.ConnectionId, out var connection))
            {
                await EndAsync(connection);
            }

            throw new HubException(Ended);
        }

        return await next(invocation);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SessionRecheck, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RecheckAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Asks once per account and stamp, however many screens it has open.</summary>
    internal async Task RecheckAsync()
    {
        var sessions = open.ToArray().GroupBy(c => (User: c.Value.Context.User?.UserName() ?? "", Stamp: c.Value.Context.User?.SessionStamp() ?? 0));
        await Task.WhenAll(sessions.Select(async session =>
        {
            bool valid;
            try
            {
                var user = session.First().Value.Context.User;
                valid = user is not null && await CircuitSession.IsValidAsync(grains, user);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCheckFailed(session.Key.User, e);
                return;
            }

            if (!valid)
            {
                LogEnded(session.Key.User, session.Count());
                foreach (var (id, connection) in session)
                {
                    if (open.TryRemove(id, out _))
                    {
                        await EndAsync(connection);
                    }
                }
            }
        }));
    }

    private async Task EndAsync(Connection connection)
    {
        try
        {
            await connection.Caller.SendAsync(nameof(ILiveSessionClient.SignedOut), new HubError("signed_out", Ended));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The socket may be gone already; closing it is what matters.
            LogTellFailed(e);
        }

        connection.Context.Abort();
    }

    [LoggerMessage(EventId = 541, Level = LogLevel.Information, Message = "Live connections of {User} closed: {Count} (session no longer valid)")]
    private partial void LogEnded(string user, int count);

    [LoggerMessage(EventId = 542, Level = LogLevel.Warning, Message = "Could not recheck the session of {User}; its live connections stay open")]
    private partial void LogCheckFailed(string user, Exception exception);

    [LoggerMessage(EventId = 543, Level = LogLevel.Debug, Message = "Could not tell a live connection its session ended")]
    private partial void LogTellFailed(Exception exception);
}
