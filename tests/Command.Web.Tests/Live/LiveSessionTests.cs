using Command.Grains.Users;
using Command.Web.Tests.Console;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests.Live;

/// <summary>The demo silo asking open live connections about their sessions every second.</summary>
public sealed class RecheckSilo() : DemoSilo(new() { ["Live:SessionRecheck"] = "00:00:01" });

/// <summary>The demo silo whose periodic re-check is far off: only a hub call can find a session ended.</summary>
public sealed class SlowRecheckSilo() : DemoSilo(new() { ["Live:SessionRecheck"] = "00:10:00" });

public sealed class LiveSessionTests(RecheckSilo silo) : IClassFixture<RecheckSilo>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_locked_account_s_open_big_screen_and_inbox_are_told_why_and_closed()
    {
        var user = "town-" + DemoSilo.Chengguan;
        var token = await silo.TokenOf(user);
        await using var screen = await DashboardConnection.ConnectAsync(silo.Factory, token);
        Assert.True((await screen.WatchAsync(DemoSilo.Chengguan)).GetProperty("ok").GetBoolean());
        await using var inbox = await InboxConnection.ConnectAsync(silo.Factory, token);
        Assert.True((await inbox.WatchAsync()).GetProperty("ok").GetBoolean());

        using var admin = await silo.As("admin");
        (await admin.PostAsync($"/api/users/{user}/lock", null)).EnsureSuccessStatusCode();

        var told = await screen.SignedOutAsync(Soon);
        Assert.Equal("signed_out", told.GetProperty("code").GetString());
        Assert.Contains("停用", told.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("停用", (await inbox.SignedOutAsync(Soon)).GetProperty("message").GetString(), StringComparison.Ordinal);
        await screen.ClosedAsync(Soon);
        await inbox.ClosedAsync(Soon);
        Assert.Equal(HubConnectionState.Disconnected, screen.State);
    }

    [Fact]
    public async Task A_password_reset_made_through_another_silo_closes_the_open_screen()
    {
        // The account's grain is its one owner in the cluster: a reset there (no request on this silo) is what another
        // silo's admin page does.
        var user = "village-150123100001";
        await using var screen = await DashboardConnection.ConnectAsync(silo.Factory, await silo.TokenOf(user));
        Assert.True((await screen.WatchAsync("150123100001")).GetProperty("ok").GetBoolean());
        await using var other = await DashboardConnection.ConnectAsync(silo.Factory, await silo.TokenOf("duty"));
        Assert.True((await other.WatchAsync(DemoSilo.County)).GetProperty("ok").GetBoolean());

        var hasher = silo.Factory.Services.GetRequiredService<ICredentialHasher>();
        await silo.Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(user).ResetPasswordAsync(hasher.Hash("Another2026!"), "admin");

        Assert.Equal("signed_out", (await screen.SignedOutAsync(Soon)).GetProperty("code").GetString());
        await screen.ClosedAsync(Soon);

        // Another account's screen is untouched: it still answers.
        Assert.True((await other.WatchAsync(DemoSilo.County)).GetProperty("ok").GetBoolean());
        Assert.Equal(HubConnectionState.Connected, other.State);
    }
}

public sealed class LiveSessionCallTests(SlowRecheckSilo silo) : IClassFixture<SlowRecheckSilo>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_hub_call_after_a_lock_is_refused_and_ends_the_connection()
    {
        var user = "town-" + DemoSilo.Shengle;
        await using var screen = await DashboardConnection.ConnectAsync(silo.Factory, await silo.TokenOf(user));
        Assert.True((await screen.WatchAsync(DemoSilo.Shengle)).GetProperty("ok").GetBoolean());

        using var admin = await silo.As("admin");
        (await admin.PostAsync($"/api/users/{user}/lock", null)).EnsureSuccessStatusCode();

        // The call gets no snapshot: it fails (refused, or cut off as the connection closes).
        await Assert.ThrowsAnyAsync<Exception>(() => screen.WatchAsync(DemoSilo.Shengle));
        Assert.Equal("signed_out", (await screen.SignedOutAsync(Soon)).GetProperty("code").GetString());
        await screen.ClosedAsync(Soon);
    }
}
