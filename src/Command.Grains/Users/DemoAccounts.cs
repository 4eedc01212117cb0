using Command.Grains.Regions;
using Command.Grains.Units;

namespace Command.Grains.Users;

/// <summary>
/// The demo county's accounts, one per role and unit: duty, leader, admin, town-&lt;9-digit code&gt;,
/// village-&lt;12-digit code&gt;, worker-&lt;15-digit grid code&gt; (the grid's full-time worker) and dept-&lt;short name&gt;
/// (dept-police for the county's 公安局, dept-police-&lt;township code&gt; for a township's 派出所).
/// </summary>
public static class DemoAccounts
{
    public const string Password = "demo";

    public static IReadOnlyList<UserProfile> For(RegionDirectory directory, string countyCode)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var county = directory.FindRegion(countyCode) ?? throw new InvalidOperationException($"The demo county {countyCode} is not imported.");
        var center = UnitPlan.CenterId(county.Code);
        var users = new List<UserProfile>
        {
            new("duty", $"{county.Name}综治中心值班员", UserRole.DutyOfficer, center, county.Code),
            new("leader", $"{county.Name}领导", UserRole.Leader, center, county.Code),
            new("admin", "系统管理员", UserRole.Admin, center, string.Empty),
        };

        foreach (var unit in directory.Units.Where(u => RegionCode.IsWithin(u.RegionCode, county.Code)))
        {
            var region = unit.RegionCode;
            switch (unit.Kind)
            {
                case UnitKind.Center when region.Length == 9:
                    users.Add(new UserProfile($"town-{region}", unit.Name, UserRole.TownshipCenter, unit.Id, region));
                    break;
                case UnitKind.Village:
                    users.Add(new UserProfile($"village-{region}", unit.Name, UserRole.Village, unit.Id, region));
                    break;
                case UnitKind.Department:
                    var shortName = unit.Id[(unit.Id.LastIndexOf('-') + 1)..];
                    var name = region == county.Code ? $"dept-{shortName}" : $"dept-{shortName}-{region}";
                    users.Add(new UserProfile(name, unit.Name, UserRole.Department, unit.Id, region));
                    break;
            }
        }

        foreach (var worker in directory.WorkersWithin(county.Code).Where(w => w.FullTime))
        {
            users.Add(new UserProfile($"worker-{worker.GridCode}", worker.Name, UserRole.GridWorker, UnitPlan.VillageId(worker.GridCode[..12]), worker.GridCode, worker.Id));
        }

        return users;
    }
}
