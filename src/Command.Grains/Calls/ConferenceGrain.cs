using Command.Grains.Audit;
using Orleans;

namespace Command.Grains.Calls;

/// <summary>
/// A conference lives as long as its activation (kept alive while open): the SFU room it names does not outlive the silo
/// either. Who opened, joined and left, and when, is durable in the audit log before the answer.
/// </summary>
internal sealed class ConferenceGrain(AuditLog audit, TimeProvider time) : Grain, IConferenceGrain
{
    private static readonly TimeSpan LongestConference = TimeSpan.FromHours(8);
    private readonly Dictionary<string, List<long>> handles = [];
    private ConferenceRecord? conference;

    public async Task<ConferenceOutcome> OpenAsync(ConferenceOpen open)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (conference is not null)
        {
            return new ConferenceOutcome(CallRefusal.Conflict, conference, []);
        }

        var at = time.GetUtcNow();
        var next = new ConferenceRecord(
            this.GetPrimaryKeyString(), open.Host, open.HostName, open.Invited, [new ConferenceMember(open.Host, open.HostName, open.HostParty, open.HostDevice, at)],
            open.Room, open.CaseCode, open.OrderId, at, null);
        var about = open.CaseCode is { } code ? $"，案件 {code}" : open.OrderId is { } order ? $"，指令 {order}" : string.Empty;
        await audit.RecordAsync(open.Host, "conference-open", Target, $"{open.HostName} 邀请 {string.Join("、", open.Invited.Select(p => p.Name))}{about}");
        conference = next;
        handles[open.HostDevice] = [];
        DelayDeactivation(LongestConference);
        return ConferenceOutcome.Done(next);
    }

    public async Task<ConferenceOutcome> JoinAsync(string user, string name, string party, string device)
    {
        if (conference is not { Open: true } c || (user != c.Host && c.Invited.All(p => p.Party != party)))
        {
            return ConferenceOutcome.NotFound;
        }

        if (c.Members.Any(m => m.Device == device))
        {
            return ConferenceOutcome.Done(c);
        }

        await audit.RecordAsync(user, "conference-join", Target, name);
        conference = c with { Members = [.. c.Members, new ConferenceMember(user, name, party, device, time.GetUtcNow())] };
        handles[device] = [];
        return ConferenceOutcome.Done(conference);
    }

    public Task<ConferenceOutcome> RoomForAsync(string user, string device) =>
        Task.FromResult(IsMember(user, device) ? ConferenceOutcome.Done(conference!) : ConferenceOutcome.NotFound);

    public Task<ConferenceOutcome> AddHandleAsync(string user, string device, long handle)
    {
        if (!IsMember(user, device))
        {
            return Task.FromResult(ConferenceOutcome.NotFound);
        }

        handles[device].Add(handle);
        return Task.FromResult(ConferenceOutcome.Done(conference!));
    }

    public Task<bool> OwnsAsync(string user, string device, long handle) =>
        Task.FromResult(IsMember(user, device) && handles[device].Contains(handle));

    public async Task<ConferenceOutcome> LeaveAsync(string user, string device)
    {
        if (!IsMember(user, device))
        {
            return ConferenceOutcome.NotFound;
        }

        var c = conference!;
        var closing = user == c.Host;
        var ends = closing ? [.. handles.Values.SelectMany(h => h)] : handles[device].ToList();
        var at = time.GetUtcNow();
        await audit.RecordAsync(user, closing ? "conference-close" : "conference-leave", Target, $"{c.Members.First(m => m.Device == device).Name}，{c.Members.Count} 方");
        if (closing)
        {
            handles.Clear();
            conference = c with { Members = [], EndedAt = at };
            DelayDeactivation(TimeSpan.Zero);
        }
        else
        {
            handles.Remove(device);
            conference = c with { Members = [.. c.Members.Where(m => m.Device != device)] };
        }

        return ConferenceOutcome.Done(conference, ends);
    }

    private string Target => $"conference:{this.GetPrimaryKeyString()}";

    private bool IsMember(string user, string device) =>
        conference is { Open: true } c && c.Members.Any(m => m.Device == device && m.User == user);
}
