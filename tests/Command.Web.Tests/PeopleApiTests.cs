using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Grains.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>Display names for screens (who acknowledged a warning), only within the caller's line of scope.</summary>
public sealed class PeopleApiTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task A_user_sees_the_display_names_above_and_below_them_and_nobody_elses()
    {
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        using var duty = await silo.As("duty");

        var leader = await DemoSilo.Json(await town.GetAsync("/api/people/leader"));
        var own = await DemoSilo.Json(await duty.GetAsync($"/api/people/town-{DemoSilo.Chengguan}"));
        var sideways = await town.GetAsync($"/api/people/town-{DemoSilo.Shengle}");
        var nobody = await town.GetAsync("/api/people/no-such-user");

        Assert.Equal("leader", leader.GetProperty("userName").GetString());
        Assert.NotEqual("leader", leader.GetProperty("displayName").GetString());
        Assert.NotEqual($"town-{DemoSilo.Chengguan}", own.GetProperty("displayName").GetString());
        Assert.Equal(HttpStatusCode.NotFound, sideways.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        // Out of line reads exactly like unknown: the refusal discloses nothing.
        Assert.Equal(
            JsonDocument.Parse(await nobody.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString(),
            JsonDocument.Parse(await sideways.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_made_up_name_is_answered_like_an_out_of_scope_one_without_waking_an_account()
    {
        using var town = await silo.As($"town-{DemoSilo.Chengguan}");
        var name = "made-up-" + Guid.NewGuid().ToString("N")[..8];

        var unknown = await town.GetAsync($"/api/people/{name}");
        var sideways = await town.GetAsync($"/api/people/town-{DemoSilo.Shengle}");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(await sideways.Content.ReadFromJsonAsync<JsonElement>() is var a ? a.GetProperty("detail").GetString() : null,
            (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var management = silo.Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var userGrainType = silo.Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(name).GetGrainId().Type;
        var active = await management.GetActiveGrains(userGrainType);
        Assert.DoesNotContain(active, g => g.Key.ToString() == name);
        Assert.Contains(active, g => g.Key.ToString() == $"town-{DemoSilo.Chengguan}");
    }
}
