using Command.Data;
using Command.Grains.Audit;
using Microsoft.Extensions.Options;
using Orleans;

namespace Command.Grains.Calls;

/// <summary>
/// A call. Its row is durable, with the audit entry of the step, before the grain keeps the new state or answers; the
/// devices of the two sides live only in the activation, which a live call keeps alive.
/// </summary>
internal sealed class CallGrain(CallStore store, Database database, AuditLog audit, IOptions<CallOptions> options, ICallFeed feed, TimeProvider time) : Grain, ICallGrain
{
    private static readonly TimeSpan LongestCall = TimeSpan.FromHours(4);
    private CallRecord? call;
    private string? callerDevice;
    private string? answerDevice;
    private IGrainTimer? ringing;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        call = await store.FindAsync(this.GetPrimaryKeyString(), cancellationToken);
        await ExpireAsync();
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
        ringing = this.RegisterGrainTimer(_ => ExpireAsync(), options.Value.RingFor, Timeout.InfiniteTimeSpan);
        DelayDeactivation(LongestCall);
        return CallOutcome.Done(call!);
    }

    public async Task<CallOutcome> AcceptAsync(string user, string party, string device)
    {
        await ExpireAsync();
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
        await ExpireAsync();
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
            // Over: the activation may go like any other.
            DelayDeactivation(TimeSpan.Zero);
        }
    }

    private void StopRinging()
    {
        ringing?.Dispose();
        ringing = null;
    }
}
