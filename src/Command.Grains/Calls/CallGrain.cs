using Command.Data;
using Command.Grains.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace Command.Grains.Calls;

/// <summary>
/// A call. Its row is durable, with the audit entry of the step, before the grain keeps the new state or answers; the
/// devices of the two sides, and when each last showed a sign of life, live only in the activation, which a live call
/// keeps alive. A side quiet for longer than <see cref="CallOptions.AwayFor"/> ends the call (a timer on the injected
/// clock); a reminder, registered while the call is live, brings the grain back when the silo holding it died, so no call
/// stays 通话中 for ever. A coarse last-alive time (at most one write a minute, on beats) is kept in the row, so a call
/// whose whole cluster stopped ends at about when it was last heard of, not when the cluster came back.
/// </summary>
internal sealed partial class CallGrain(
    CallStore store, Database database, AuditLog audit, IOptions<CallOptions> options, ICallFeed feed, TimeProvider time, ILogger<CallGrain> logger)
    : Grain, ICallGrain, IRemindable
{
    private const string Live = "live";
    private static readonly TimeSpan LongestCall = TimeSpan.FromHours(4);
    private static readonly TimeSpan AliveEvery = TimeSpan.FromMinutes(1);
    private CallRecord? call;
    private string? callerDevice;
    private string? answerDevice;
    private DateTimeOffset callerSeen;
    private DateTimeOffset answerSeen;
    private IGrainTimer? ringing;
    private IGrainTimer? watching;

    // When the call was last known alive before this activation (its row's coarse mark), and whether each side has shown a
    // sign of life since: a side never heard of again ends the call at the mark, not at this activation's time.
    private DateTimeOffset? aliveBefore;
    private bool callerHeard = true;
    private bool answerHeard = true;
    private DateTimeOffset aliveSaved;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        call = await store.FindAsync(this.GetPrimaryKeyString(), cancellationToken);
        await ExpireAsync();
        if (call is { } live && live.Status.IsLive())
        {
            // Back after the activation was lost (its silo died): the devices are unknown until they beat or resume, and each
            // side has the grace from now to do so.
            callerSeen = answerSeen = time.GetUtcNow();
            aliveBefore = await store.AliveAtAsync(live.Id, cancellationToken) ?? live.ConnectedAt ?? live.StartedAt;
            aliveSaved = aliveBefore.Value;
            callerHeard = answerHeard = false;
            Watch();
            DelayDeactivation(LongestCall);
        }
    }

    public async Task<CallOutcome> RingAsync(CallRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        if (call is not null)
        {
            return CallOutcome.Conflict(call);
        }

        await SaveAsync(CallMachine.Ring(this.GetPrimaryKeyString(), ring, time.GetUtcNow()), ring.Caller, "call-ring");
        callerDevice = ring.CallerDevice;
        callerSeen = aliveSaved = time.GetUtcNow();
        ringing = this.RegisterGrainTimer(_ => ExpireAsync(), options.Value.RingFor, Timeout.InfiniteTimeSpan);
        Watch();
        DelayDeactivation(LongestCall);
        await this.RegisterOrUpdateReminder(Live, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        return CallOutcome.Done(call!);
    }

    public async Task<CallOutcome> AcceptAsync(string user, string party, string device)
    {
        // A caller gone past the grace has ended the call (missed) first: nothing connects to nobody.
        await CheckAsync();
        if (call is null || !CallMachine.IsParty(call, user, party))
        {
            return CallOutcome.NotFound;
        }

        if (CallMachine.Accept(call, user, party, time.GetUtcNow()) is not { } next)
        {
            return CallOutcome.Conflict(call);
        }

        await SaveAsync(next, user, "call-accept");
        answerDevice = device;
        answerSeen = time.GetUtcNow();
        answerHeard = true;
        StopRinging();
        return CallOutcome.Done(next, callerDevice);
    }

    public async Task<CallOutcome> DeclineAsync(string user, string party)
    {
        await ExpireAsync();
        if (call is null || !CallMachine.IsParty(call, user, party))
        {
            return CallOutcome.NotFound;
        }

        if (CallMachine.Decline(call, user, party, time.GetUtcNow()) is not { } next)
        {
            return CallOutcome.Conflict(call);
        }

        await SaveAsync(next, user, "call-decline");
        StopRinging();
        return CallOutcome.Done(next, callerDevice);
    }

    public async Task<CallOutcome> HangUpAsync(string user)
    {
        await CheckAsync();
        if (call is null || (user != call.Caller && user != call.AnsweredBy))
        {
            return CallOutcome.NotFound;
        }

        if (CallMachine.HangUp(call, user, time.GetUtcNow()) is not { } next)
        {
            return CallOutcome.Conflict(call);
        }

        var peer = user == call.Caller ? answerDevice : callerDevice;
        await SaveAsync(next, user, next.Status == CallStatus.Missed ? "call-cancel" : "call-hang-up");
        StopRinging();
        return CallOutcome.Done(next, peer);
    }

    public Task<CallOutcome> PeerAsync(string user, string device)
    {
        if (call is not { Status: CallStatus.Connected })
        {
            return Task.FromResult(CallOutcome.NotFound);
        }

        var peer = device == callerDevice && user == call.Caller ? answerDevice
            : device == answerDevice && user == call.AnsweredBy ? callerDevice
            : null;
        return Task.FromResult(peer is null ? CallOutcome.NotFound : CallOutcome.Done(call, peer));
    }

    public async Task<CallOutcome> GetAsync(string user, string party)
    {
        await ExpireAsync();
        return call is not null && CallMachine.IsParty(call, user, party) ? CallOutcome.Done(call) : CallOutcome.NotFound;
    }

    public async Task<CallOutcome> SeeAsync(string user, string party)
    {
        await ExpireAsync();
        if (call is null || !CallMachine.IsParty(call, user, party))
        {
            return CallOutcome.NotFound;
        }

        if (CallMachine.See(call, party, time.GetUtcNow()) is not { } next)
        {
            return CallOutcome.Conflict(call);
        }

        await SaveAsync(next, user, "call-seen");
        return CallOutcome.Done(next);
    }

    public async Task<CallOutcome> BeatAsync(string user, string device)
    {
        await CheckAsync();
        if (Side(user) is not { } caller)
        {
            return CallOutcome.NotFound;
        }

        if (!call!.Status.IsLive())
        {
            return CallOutcome.Done(call);
        }

        // The side's own device, or any of the user's when the grain lost track of it (a new activation, a dropped connection).
        var held = caller ? callerDevice : answerDevice;
        if (held is not null && held != device)
        {
            return CallOutcome.NotFound;
        }

        Attach(caller, device);
        await MarkAliveAsync();
        return CallOutcome.Done(call, caller ? answerDevice : callerDevice);
    }

    public async Task<CallOutcome> ResumeAsync(string user, string device)
    {
        await CheckAsync();
        if (Side(user) is not { } caller)
        {
            return CallOutcome.NotFound;
        }

        if (!call!.Status.IsLive())
        {
            return CallOutcome.Done(call);
        }

        Attach(caller, device);
        await MarkAliveAsync();
        return CallOutcome.Done(call, caller ? answerDevice : callerDevice);
    }

    public async Task<CallOutcome> AwayAsync(string user, string device)
    {
        await CheckAsync();
        if (Side(user) is not { } caller || !call!.Status.IsLive() || (caller ? callerDevice : answerDevice) != device)
        {
            return call is not null && Side(user) is not null ? CallOutcome.Done(call) : CallOutcome.NotFound;
        }

        // The grace counts from the drop; signalling waits for the device to come back.
        if (caller)
        {
            (callerDevice, callerSeen, callerHeard) = (null, time.GetUtcNow(), true);
        }
        else
        {
            (answerDevice, answerSeen, answerHeard) = (null, time.GetUtcNow(), true);
        }

        return CallOutcome.Done(call);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await CheckAsync();
        if (call is null || !call.Status.IsLive())
        {
            await DisarmAsync();
        }
    }

    /// <summary>True for the caller, false for who answered, null for anyone else (or no call).</summary>
    private bool? Side(string user) =>
        call is null ? null : user == call.Caller ? true : user == call.AnsweredBy ? false : null;

    private void Attach(bool caller, string device)
    {
        if (caller)
        {
            (callerDevice, callerSeen, callerHeard) = (device, time.GetUtcNow(), true);
        }
        else
        {
            (answerDevice, answerSeen, answerHeard) = (device, time.GetUtcNow(), true);
        }
    }

    /// <summary>Keeps the row's coarse last-alive mark, at most once a minute (a lost write only makes it coarser).</summary>
    private async Task MarkAliveAsync()
    {
        var now = time.GetUtcNow();
        if (call is not { Status: CallStatus.Connected } || now - aliveSaved < AliveEvery)
        {
            return;
        }

        aliveSaved = now;
        try
        {
            await database.WriteAsync(CallStore.Alive(call.Id, now));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            LogAliveFailed(logger, e, call.Id);
        }
    }

    /// <summary>The ringing ran out, or a side has been quiet past the grace: the call ends by the clock.</summary>
    private async Task CheckAsync()
    {
        await ExpireAsync();
        if (call is not { } live || !live.Status.IsLive())
        {
            return;
        }

        var quietSince = time.GetUtcNow() - options.Value.AwayFor;
        // A side not heard of since this activation (the whole cluster stopped) was last alive at the row's mark.
        var (reason, seen, peer) = callerSeen < quietSince ? (CallEndReasons.CallerLost, callerHeard ? callerSeen : aliveBefore!.Value, answerDevice)
            : live.Status == CallStatus.Connected && answerSeen < quietSince
                ? (CallEndReasons.CalleeLost, answerHeard ? answerSeen : aliveBefore!.Value, callerDevice)
            : (null, default, null);
        if (reason is null || CallMachine.Lose(live, reason, seen) is not { } next)
        {
            return;
        }

        await SaveAsync(next, CallMachine.System, next.Status == CallStatus.Missed ? "call-missed" : "call-lost");
        StopRinging();
        if (next.Status == CallStatus.Missed)
        {
            feed.CallMissed(next, null);
        }
        else
        {
            feed.CallLost(next, peer);
        }
    }

    private void Watch()
    {
        // A few looks per grace: a quiet side is noticed within a quarter of it.
        var every = options.Value.AwayFor / 4;
        watching ??= this.RegisterGrainTimer(_ => CheckAsync(), every, every);
    }

    private async Task DisarmAsync()
    {
        if (await this.GetReminder(Live) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>A call that has rung out is missed (by the clock, whether the timer fired or a caller asked first).</summary>
    private async Task ExpireAsync()
    {
        if (call is not null && CallMachine.Expire(call, time.GetUtcNow(), options.Value.RingFor) is { } missed)
        {
            await SaveAsync(missed, CallMachine.System, "call-missed");
            StopRinging();
            feed.CallMissed(missed, callerDevice);
        }
    }

    private async Task SaveAsync(CallRecord next, string actor, string action)
    {
        var about = next.CaseCode is { } code ? $"，案件 {code}" : next.OrderId is { } order ? $"，指令 {order}" : string.Empty;
        await database.WriteAsync(
            CallStore.Save(next),
            audit.Entry(actor, action, $"call:{next.Id}", $"{next.CallerName} → {next.CalleeName}：{next.Status.ToChinese()}{about}"));
        call = next;
        if (!next.Status.IsLive())
        {
            // Over: the activation may go like any other, and nothing needs to wake it again.
            watching?.Dispose();
            watching = null;
            DelayDeactivation(TimeSpan.Zero);
            try
            {
                await DisarmAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The step is durable: a reminder left behind finds the call over on its next tick and goes then.
                LogDisarmFailed(logger, e, next.Id);
            }
        }
    }

    private void StopRinging()
    {
        ringing?.Dispose();
        ringing = null;
    }

    [LoggerMessage(EventId = 571, Level = LogLevel.Warning, Message = "Could not keep call {CallId}'s last-alive mark; it stays coarser")]
    private static partial void LogAliveFailed(ILogger logger, Exception exception, string callId);

    [LoggerMessage(EventId = 572, Level = LogLevel.Warning, Message = "Could not unregister the reminder of call {CallId}, which is over; its next tick does")]
    private static partial void LogDisarmFailed(ILogger logger, Exception exception, string callId);
}
