using Command.Data;
using Command.Grains.Regions;
using Command.Grains.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Grains.Tests.Users;

/// <summary>The admin's account work on both databases, and on two silos: the account's grain is its one owner.</summary>
public sealed class UserAdministrationTests
{
    [SkippableTheory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.Postgres)]
    public async Task Accounts_are_listed_searched_and_paged_with_who_changed_them(StorageProvider provider)
    {
        await using var cluster = await DomainCluster.StartAsync(provider);
        var admin = Administration(cluster.Services);
        await admin.CreateAsync("town-desk", "城关镇坐席", "Chengguan2026", new(UserRole.TownshipCenter, DomainCluster.Township, null, null), "admin");
        await admin.CreateAsync("village-desk", "昭君道社区坐席", "Zhaojun2026", new(UserRole.Village, DomainCluster.Village, null, null), "admin");
        await admin.SetLockedAsync("village-desk", true, "admin");

        var all = await admin.SearchAsync(null, null, null, 1, 1);
        var desks = await admin.SearchAsync("坐席", null, DomainCluster.Township, 1, 10);
        var villages = await admin.SearchAsync("DESK", UserRole.Village, null, 1, 10);

        Assert.Equal((2, 1), (all.Total, all.Items.Count));
        Assert.Equal(["town-desk", "village-desk"], desks.Items.Select(a => a.Profile.UserName));
        var village = Assert.Single(villages.Items);
        Assert.Equal((true, "admin", "village-150123100001"), (village.Locked, village.UpdatedBy, village.Profile.UnitId));
        Assert.Empty((await admin.SearchAsync("50%_", null, null, 1, 10)).Items);
    }

    [SkippableFact]
    public async Task A_lock_made_through_one_silo_ends_the_session_seen_from_the_other_at_once()
    {
        await using var cluster = await DomainCluster.StartAsync(StorageProvider.Postgres, silos: 2);
        var first = Administration(cluster.SiloServices[0]);
        await first.CreateAsync("town-desk", "城关镇坐席", "Chengguan2026", new(UserRole.TownshipCenter, DomainCluster.Township, null, null), "admin");
        var signIn = await cluster.GrainFactoryOf(1).GetGrain<IUserGrain>("town-desk").SignInAsync("Chengguan2026");
        Assert.True(await cluster.GrainFactoryOf(1).GetGrain<IUserGrain>("town-desk").IsSessionValidAsync(signIn.Stamp));

        await first.SetLockedAsync("town-desk", true, "admin");

        Assert.False(await cluster.GrainFactoryOf(1).GetGrain<IUserGrain>("town-desk").IsSessionValidAsync(signIn.Stamp));
        Assert.Equal(SignInStatus.Disabled, (await cluster.GrainFactoryOf(1).GetGrain<IUserGrain>("town-desk").SignInAsync("Chengguan2026")).Status);
        Assert.Equal(SignInStatus.Failed, (await cluster.GrainFactoryOf(0).GetGrain<IUserGrain>("town-desk").SignInAsync("wrong1234")).Status);
    }

    [Fact]
    public async Task An_account_from_before_the_list_is_listed_once_at_start()
    {
        await using var cluster = await DomainCluster.StartAsync();
        await Administration(cluster.Services).CreateAsync("old-admin", "旧管理员", "Chengguan2026", new(UserRole.Admin, null, null, null), "system");

        // As an account stored by the version before the users table: no row, and not marked as listed.
        await cluster.Database.ExecuteAsync("DELETE FROM users");
        await cluster.Database.ExecuteAsync("""UPDATE grain_state SET payload = replace(payload, '"listed":true', '"listed":false') WHERE grain_key = 'old-admin'""");
        await cluster.KillAsync();
        await cluster.RestartAsync();
        await DomainCluster.LoadAsync(cluster);
        await cluster.GrainFactory.GetGrain<IUserGrain>("old-admin").EnsureListedAsync();
        await cluster.GrainFactory.GetGrain<IUserGrain>("old-admin").EnsureListedAsync();

        var listed = Assert.Single((await Administration(cluster.Services).SearchAsync("old", null, null, 1, 10)).Items);
        Assert.Equal(("旧管理员", UserRole.Admin), (listed.Profile.DisplayName, listed.Profile.Role));
    }

    private static UserAdministration Administration(IServiceProvider silo) => new(
        silo.GetRequiredService<Orleans.IGrainFactory>(), silo.GetRequiredService<RegionDirectory>(), silo.GetRequiredService<ICredentialHasher>(),
        new UserStore(silo.GetRequiredService<Database>()));
}
