using Command.Grains.Users;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;

namespace Command.Grains.Tests.Users;

public sealed class LockoutTests
{
    private static readonly UserProfile Duty = new("duty", "值班员", UserRole.DutyOfficer, "center-150123", "150123");

    [Fact]
    public async Task Five_failures_lock_the_account_for_the_lockout_time_and_then_it_opens_again()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var user = cluster.GrainFactory.GetGrain<IUserGrain>("duty");
        Assert.True(await user.CreateAsync(Duty, "plain:secret", "test"));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(SignInStatus.Failed, (await user.SignInAsync("wrong")).Status);
        }

        Assert.Equal(SignInStatus.LockedOut, (await user.SignInAsync("wrong")).Status);
        Assert.Equal(SignInStatus.LockedOut, (await user.SignInAsync("secret")).Status);
        cluster.Clock.Advance(TimeSpan.FromMinutes(15));

        var open = await user.SignInAsync("secret");
        Assert.Equal(SignInStatus.Succeeded, open.Status);
        Assert.Equal(Duty, open.Profile);
        Assert.Equal(3L, Convert.ToInt64(await cluster.Database.ScalarAsync("SELECT count(*) FROM audit_log WHERE actor = 'duty' AND action IN ('locked-out', 'sign-in-refused-locked', 'sign-in')"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_lockout_survives_a_restart_and_creating_an_existing_account_changes_nothing()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var user = cluster.GrainFactory.GetGrain<IUserGrain>("duty");
        await user.CreateAsync(Duty, "plain:secret", "test");
        for (var i = 0; i < 5; i++)
        {
            await user.SignInAsync("wrong");
        }

        await cluster.KillAsync();
        await cluster.RestartAsync();
        user = cluster.GrainFactory.GetGrain<IUserGrain>("duty");

        Assert.False(await user.CreateAsync(Duty with { Scope = "" }, "plain:other", "intruder"));
        Assert.Equal(SignInStatus.LockedOut, (await user.SignInAsync("secret")).Status);
        Assert.Equal("150123", (await user.GetAsync())?.Scope);
    }

    [Fact]
    public async Task A_sign_in_after_another_copy_of_the_account_wrote_counts_on_the_stored_attempts()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var user = cluster.GrainFactory.GetGrain<IUserGrain>("duty");
        await user.CreateAsync(Duty, "plain:secret", "test");
        Assert.Equal(SignInStatus.Failed, (await user.SignInAsync("wrong")).Status);

        // A second activation (during a membership change) counted three more failures first.
        var storage = cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var other = new GrainState<UserState>();
        await storage.ReadStateAsync("user", GrainId.Create("user", "duty"), other);
        other.State!.FailedAttempts = 4;
        await storage.WriteStateAsync("user", GrainId.Create("user", "duty"), other);

        // This copy's next failure is the fifth on the stored count: the account locks, and no error reaches the user.
        Assert.Equal(SignInStatus.LockedOut, (await user.SignInAsync("wrong")).Status);
        Assert.False(await user.CreateAsync(Duty with { Scope = "" }, "plain:other", "intruder"));
    }
}
