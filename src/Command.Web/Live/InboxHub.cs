using System.Security.Claims;
using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Units;
using Command.Grains.Users;
using Command.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Command.Web.Live;

/// <summary>
/// The consoles' and phones' hub: a connection watches the inbox of its own user's unit (a grid worker: the cases they
/// hold), and nothing else. What changes is pushed by <see cref="InboxRouter"/> to the unit's group. Its session is checked
/// again before every call and while it is open (<see cref="LiveSessions"/>).
/// </summary>
[Authorize]
internal sealed class InboxHub(InboxRouter router, InboxSnapshots snapshots, TimeProvider time) : Hub<IInboxClient>
{
    private const string UnitKey = "unit";

    /// <summary>Answers the inbox as the database holds it; changes follow as <c>inbox</c> pushes.</summary>
    public async Task<InboxWatchResult> Watch()
    {
        if (InboxSnapshots.UnitOf(Context.User!) is not { } unit)
        {
            return InboxWatchResult.Fail("forbidden", "您的账号没有工作台");
        }

        if (!Context.Items.ContainsKey(UnitKey))
        {
            // Join first, then read: a change in between arrives twice at worst, and versions drop the repeat.
            await Groups.AddToGroupAsync(Context.ConnectionId, InboxRouter.GroupOf(unit));
            router.Watch(unit);
            Context.Items[UnitKey] = unit;
        }

        try
        {
            return InboxWatchResult.Of(new InboxSnapshot(unit, time.GetUtcNow().ToUnixTimeMilliseconds(), await snapshots.ReadAsync(Context.User!, unit)));
        }
        catch (Exception)
        {
            return InboxWatchResult.Fail("unavailable", "待办数据暂不可用，请稍后再试");
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(UnitKey, out var unit) && unit is string key)
        {
            router.Unwatch(key);
        }

        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>Whose inbox a user sees, and what it holds now (read from the database, so a fresh silo knows it too).</summary>
internal sealed class InboxSnapshots(CaseInboxQueries queries, RegionDirectory directory)
{
    /// <summary>The user's inbox key: worker-{id} for a grid worker, the unit id for everyone else with a desk; null for the admin.</summary>
    public static string? UnitOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var profile = user.Profile();
        return profile.Role switch
        {
            UserRole.Admin => null,
            UserRole.GridWorker => profile.WorkerId is { } worker ? Assignee.WorkerKey(worker) : null,
            _ => profile.UnitId.Length == 0 ? null : profile.UnitId,
        };
    }

    public async Task<List<InboxItem>> ReadAsync(ClaimsPrincipal user, string unit, CancellationToken cancellationToken = default)
    {
        // Centers and villages dispatch within their region, so cases wait for them there (to verify, to revisit);
        // departments and workers only ever hold what was sent to them.
        var region = directory.FindUnit(unit) is { Kind: UnitKind.Center or UnitKind.Village } own ? own.RegionCode : null;
        var cards = await queries.ForAsync(unit, region, cancellationToken);
        var profile = user.Profile();
        return [.. cards
            .Where(c => CaseAccess.CanSee(profile, c.RegionCode, c.Inbox?.Select(e => e.Unit) ?? []))
            .Select(c => InboxItem.Of(c, c.Inbox!.First(e => e.Unit == unit).Box))];
    }
}
