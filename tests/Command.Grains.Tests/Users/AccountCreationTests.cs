using Command.Grains.Users;

namespace Command.Grains.Tests.Users;

public sealed class AccountCreationTests
{
    private static readonly UserProfile Duty = new("duty", "值班员", UserRole.DutyOfficer, "center-150123", "150123");

    [Fact]
    public async Task Creating_an_account_another_activation_created_meanwhile_answers_false_and_keeps_theirs()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var mine = cluster.GrainFactory.GetGrain<IUserGrain>("duty");
        Assert.Null(await mine.GetAsync());

        // A second activation of the same account (another silo seeding while the cluster's directory settles) writes
        // it first: its row appears under this account's key after this activation read none.
        Assert.True(await cluster.GrainFactory.GetGrain<IUserGrain>("duty-elsewhere").CreateAsync(Duty, "plain:theirs", "other silo"));
        await cluster.Database.ExecuteAsync("""
            INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, modified_at)
            SELECT grain_type, 'duty', state_name, payload, schema_version, version, modified_at
            FROM grain_state WHERE grain_type = 'user' AND grain_key = 'duty-elsewhere'
            """);

        Assert.False(await mine.CreateAsync(Duty with { DisplayName = "mine" }, "plain:mine", "this silo"));
        Assert.Equal(Duty, await mine.GetAsync());
        Assert.Equal(SignInStatus.Succeeded, (await mine.SignInAsync("theirs")).Status);
    }
}
