using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Users;

namespace Command.Silo.Demo;

/// <summary>
/// The demo county's people as the simulator plays them: who acts for a unit (its account; the duty officer for the
/// county center), for a grid worker, and for the grid a worker reports from.
/// </summary>
internal sealed class DemoPeople
{
    private readonly Dictionary<string, UserProfile> byUnit = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserProfile> byUserName = new(StringComparer.Ordinal);
    private readonly Dictionary<long, UserProfile> byWorker = [];
    private readonly Dictionary<string, UserProfile> byGrid = new(StringComparer.Ordinal);

    private DemoPeople(IReadOnlyList<UserProfile> accounts)
    {
        foreach (var user in accounts)
        {
            byUserName[user.UserName] = user;
            switch (user.Role)
            {
                case UserRole.GridWorker when user.WorkerId is { } worker:
                    byWorker[worker] = user;
                    byGrid[user.Scope] = user;
                    break;
                case UserRole.DutyOfficer or UserRole.TownshipCenter or UserRole.Village or UserRole.Department:
                    byUnit.TryAdd(user.UnitId, user);
                    break;
            }
        }

        Duty = accounts.First(a => a.Role == UserRole.DutyOfficer);
        Leader = accounts.First(a => a.Role == UserRole.Leader);
    }

    public UserProfile Duty { get; }

    public UserProfile Leader { get; }

    public static DemoPeople Load(RegionDirectory directory, string county) => new(DemoAccounts.For(directory, county));

    /// <summary>Who acts for a handler: a unit id or "worker-{id}"; null when no demo account does.</summary>
    public UserProfile? For(string unitOrWorker)
    {
        if (unitOrWorker.StartsWith(Assignee.WorkerPrefix, StringComparison.Ordinal))
        {
            return long.TryParse(unitOrWorker.AsSpan(Assignee.WorkerPrefix.Length), out var id) ? byWorker.GetValueOrDefault(id) : null;
        }

        return byUnit.GetValueOrDefault(unitOrWorker);
    }

    /// <summary>The full-time worker of a grid (who reports what they find there).</summary>
    public UserProfile? WorkerOfGrid(string gridCode) => byGrid.GetValueOrDefault(gridCode);

    public UserProfile? Named(string userName) => byUserName.GetValueOrDefault(userName);

    /// <summary>A county department's account by its short name (court, police, petition…).</summary>
    public UserProfile? Department(string shortName) => Named($"dept-{shortName}");
}
