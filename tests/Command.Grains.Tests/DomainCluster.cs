using Command.Grains.Tests.Cluster;
using Command.Grains.Live;
using Command.Grains.Orders;
using Command.Grains.Audit;
using Command.Grains.Cases;
using Command.Grains.Units;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Grains.Workers;
using Command.Data;
using Command.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Grains.Tests;

/// <summary>A test silo with the domain's grains over a small hand-made tree: one township, one village, two grids, three workers.</summary>
internal static class DomainCluster
{
    public const string County = "150123";
    public const string Township = "150123100";
    public const string Village = "150123100001";
    public const string GridA = "150123100001001";
    public const string GridB = "150123100001002";

    private const string Square = """{"type":"Polygon","coordinates":[[[111.7,40.3],[111.9,40.3],[111.9,40.5],[111.7,40.5],[111.7,40.3]]]}""";

    public static async Task<CommandCluster> StartAsync(
        StorageProvider provider = StorageProvider.Sqlite, Action<PositionOptions>? positions = null, Action<CaseOptions>? cases = null, Action<CalendarOptions>? calendar = null,
        int silos = 1)
    {
        if (provider == StorageProvider.Postgres)
        {
            TestDatabase.RequirePostgres();
        }

        var options = new CommandClusterOptions
        {
            Provider = provider,
            Silos = silos,
            ConfigureServices = services =>
            {
                services.AddSingleton<RegionDirectory>();
                services.AddSingleton<AuditLog>();
                services.AddSingleton<Command.Grains.Attachments.AttachmentStore>();
                services.AddSingleton<ICredentialHasher, PlainHasher>();
                services.AddOptions<PositionOptions>().Configure(o => positions?.Invoke(o));
                services.AddOptions<UserOptions>();
                services.AddSingleton<PositionLog>();
                services.AddCaseServices();
                services.AddOptions<CaseOptions>().Configure(o =>
                {
                    o.DeadlineRetry = Cases.CaseFixture.DeadlineRetry;
                    cases?.Invoke(o);
                });
                services.AddOptions<CalendarOptions>().Configure(o => calendar?.Invoke(o));
                services.AddOrderServices();
                services.AddOptions<OrderOptions>().Configure(o => o.ReminderRetry = Cases.CaseFixture.DeadlineRetry);
                services.AddHostedService(sp => sp.GetRequiredService<PositionLog>());

                // Each silo's screens are a board that records what reaches it, by its own grains or relayed from the others.
                services.AddSingleton<RecordingBoard>();
                services.AddClusterFeed<RecordingBoard>();
                services.AddCountingWake();
            },
        };
        options.GrainAssemblies.Add(GrainsAssembly.Assembly);
        options.MigrationComponents.Add((GrainsAssembly.Assembly, GrainsAssembly.MigrationComponent));
        options.MigrationComponents.Add((GrainsAssembly.Assembly, OrderStore.MigrationComponent));
        options.MigrationComponents.Add((GrainsAssembly.Assembly, Command.Grains.Attachments.AttachmentStore.MigrationComponent));
        var cluster = await CommandCluster.StartAsync(options);
        await SeedAsync(cluster);
        await LoadAsync(cluster);
        return cluster;
    }

    /// <summary>Reads the tree into each (new) silo's directory, as the host does at start.</summary>
    public static Task LoadAsync(CommandCluster cluster) =>
        Task.WhenAll(cluster.SiloServices.Select(s => s.GetRequiredService<RegionDirectory>().LoadAsync(s.GetRequiredService<Database>())));

    /// <summary>What reached the screens of the <paramref name="index"/>th running silo.</summary>
    public static RecordingBoard Board(this CommandCluster cluster, int index = 0) => cluster.SiloServices[index].GetRequiredService<RecordingBoard>();

    public static PositionLog Positions(this CommandCluster cluster) => cluster.Services.GetRequiredService<PositionLog>();

    private static async Task SeedAsync(CommandCluster cluster)
    {
        (string Code, string Name, int Level, string? Parent)[] regions =
        [
            (County, "和林格尔县", 1, null), (Township, "城关镇", 2, County), (Village, "昭君道社区", 3, Township),
            (GridA, "昭君道社区第1网格", 4, Village), (GridB, "昭君道社区第2网格", 4, Village),
        ];
        foreach (var (code, name, level, parent) in regions)
        {
            await cluster.Database.ExecuteAsync(
                "INSERT INTO regions (code, name, level, parent_code, synthetic, boundary, imported_at, imported_by) VALUES ($1, $2, $3, $4, 1, $5, 0, 'test')",
                code, name, (short)level, parent, Square);
        }

        foreach (var unit in UnitPlan.For(regions.Select(r => (r.Code, r.Name, (RegionLevel)r.Level))))
        {
            await cluster.Database.ExecuteAsync(
                "INSERT INTO units (id, name, kind, region_code, serves) VALUES ($1, $2, $3, $4, $5)",
                unit.Id, unit.Name, (short)unit.Kind, unit.RegionCode, string.Join(',', unit.Serves));
        }

        (long Id, string Grid, int Sequence, bool FullTime)[] workers = [(1, GridA, 1, true), (2, GridA, 2, false), (3, GridB, 1, true)];
        foreach (var (id, grid, sequence, fullTime) in workers)
        {
            await cluster.Database.ExecuteAsync(
                "INSERT INTO workers (id, grid_code, sequence, name, phone, full_time, device_id) VALUES ($1, $2, $3, $4, '13800000000', $5, $6)",
                id, grid, sequence, $"网格员{id}", (short)(fullTime ? 1 : 0), $"device-{id}");
        }
    }

    /// <summary>Not a real hash: grain tests check counting and lock-out, not cryptography.</summary>
    private sealed class PlainHasher : ICredentialHasher
    {
        public string Hash(string password) => "plain:" + password;

        public bool Verify(string hash, string password) => hash == "plain:" + password;
    }
}
