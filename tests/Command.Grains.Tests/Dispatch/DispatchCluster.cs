using Command.Grains.Audit;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Units;
using Command.Data;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Grains.Tests.Dispatch;

/// <summary>The small domain tree of <see cref="DomainCluster"/> with its default units, and dispatch rules loaded from its database.</summary>
internal static class DispatchCluster
{
    public static async Task<CommandCluster> StartAsync(StorageProvider provider = StorageProvider.Sqlite)
    {
        var cluster = await DomainCluster.StartAsync(provider);
        var units = UnitPlan.For(
        [
            (DomainCluster.County, "和林格尔县", RegionLevel.County), (DomainCluster.Township, "城关镇", RegionLevel.Township),
            (DomainCluster.Village, "昭君道社区", RegionLevel.Village),
        ]);
        foreach (var unit in units)
        {
            // DO NOTHING: the cases branch seeds the same units in DomainCluster itself; either way they are there once.
            await cluster.Database.ExecuteAsync(
                "INSERT INTO units (id, name, kind, region_code, serves) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                unit.Id, unit.Name, (short)unit.Kind, unit.RegionCode, string.Join(',', unit.Serves));
        }

        await DomainCluster.LoadAsync(cluster);
        return cluster;
    }

    /// <summary>A rule table as the silo has it after start: read from the database, seeded if empty.</summary>
    public static async Task<DispatchRules> LoadRulesAsync(this CommandCluster cluster)
    {
        var rules = new DispatchRules(cluster.Services.GetRequiredService<RegionDirectory>(), cluster.Services.GetRequiredService<AuditLog>(), cluster.Clock);
        await rules.LoadAsync(cluster.Services.GetRequiredService<Database>());
        return rules;
    }

    public static RegionDirectory Directory(this CommandCluster cluster) => cluster.Services.GetRequiredService<RegionDirectory>();
}
