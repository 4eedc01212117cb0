using Command.Grains.Regions;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Grains.Users;
using Command.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Command.Web.Live;

/// <summary>
/// The big screens' hub. It only lets a connection watch a scope its user may see; what changes is pushed by
/// <see cref="DashboardBridge"/> to the scope's group.
/// </summary>
[Authorize]
internal sealed class DashboardHub(DashboardBridge bridge, RegionDirectory directory, IGrainFactory grains, TimeProvider time) : Hub<IDashboardClient>
{
    private const string ScopeKey = "scope";

    internal static string GroupOf(string scope) => "region:" + scope;

    /// <summary>Watches a scope instead of the one watched before: answers its snapshot, then deltas follow.</summary>
    public async Task<WatchResult> Watch(string scope)
    {
        var user = Context.User!;
        if (ScopeCheck.Refusal(user, scope, directory) is { } refusal)
        {
            return refusal;
        }

        var region = directory.FindRegion(scope)!;
        string[] codes = [scope, .. region.Children.Select(c => c.Code)];

        // Counters the board does not have yet come from the region grain, fetched before anything changes: if that fails,
        // the connection keeps watching what it watched.
        (RegionCounters Own, IReadOnlyDictionary<string, RegionCounters> Children)? fallback = null;
        if (bridge.LacksCounters(codes))
        {
            try
            {
                var grain = grains.GetGrain<IRegionGrain>(region.Code);
                fallback = (await grain.GetCountersAsync(), await grain.GetChildrenAsync());
            }
            catch (Exception)
            {
                return WatchResult.Fail("unavailable", "区域数据暂不可用，请稍后再试");
            }
        }

        if (Context.Items.TryGetValue(ScopeKey, out var before) && before is string old)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(old));
            bridge.Unwatch(old);
            Context.Items.Remove(ScopeKey);
        }

        // Join first, then cut the snapshot: a change in between arrives twice at worst, and versions drop the repeat.
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(scope));
        var (workers, cases, warnings, counters) = bridge.Watch(scope, codes);
        Context.Items[ScopeKey] = scope;

        return WatchResult.Of(new LiveSnapshot(
            time.GetUtcNow().ToUnixTimeMilliseconds(),
            ScopeView.Of(region),
            ScopeCheck.PathTo(region, user, directory),
            [.. region.Children.Select(ScopeView.Of)],
            [.. counters.Select(k => k.Value ?? CountersItem.Of(
                k.Key, k.Key == region.Code ? fallback?.Own ?? default : fallback?.Children.GetValueOrDefault(k.Key) ?? default, 0))],
            workers,
            cases,
            warnings));
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(ScopeKey, out var scope) && scope is string code)
        {
            bridge.Unwatch(code);
        }

        return base.OnDisconnectedAsync(exception);
    }
}
