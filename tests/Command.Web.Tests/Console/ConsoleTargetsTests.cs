using System.Globalization;
using System.Net;
using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Workers;
using Command.Web.Components.Console;
using Command.Web.Tests.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests.Console;

/// <summary>The dispatch form's grid workers: status and distance from the live board, not one grain call per worker.</summary>
public sealed class ConsoleTargetsTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task The_reporting_worker_is_suggested_as_nearest_and_the_villages_other_workers_are_not_woken()
    {
        var village = DemoSilo.Chengguan + "005";
        var (id, device, grid) = await silo.WorkerIn(village);
        var directory = silo.Factory.Services.GetRequiredService<RegionDirectory>();
        var point = directory.PointInside(grid)!.Value;
        await using var screen = await DashboardConnection.ConnectAsync(silo.Factory, await silo.TokenOf("duty"));
        Assert.True((await screen.WatchAsync(DemoSilo.County)).GetProperty("ok").GetBoolean());
        using var tracker = silo.Anonymous();
        var reported = await tracker.GetAsync(string.Create(CultureInfo.InvariantCulture,
            $"/osmand?id={device}&lat={point.Lat}&lon={point.Lon}&timestamp={DateTimeOffset.UtcNow.ToUnixTimeSeconds()}"));
        Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        await screen.NextChangesAsync(b => b.GetProperty("workers").EnumerateArray().Any(w => w[0].GetInt64() == id), TimeSpan.FromSeconds(10));

        var grains = silo.Factory.Services.GetRequiredService<IGrainFactory>();
        var view = await grains.GetGrain<ICaseGrain>(await OpenAsync(grid, point)).GetAsync();
        var duty = new Grains.Users.UserProfile("duty", "值班员", Grains.Users.UserRole.DutyOfficer, "center-150123", DemoSilo.County);
        var type = grains.GetGrain<IWorkerGrain>(id).GetGrainId().Type;
        var management = grains.GetGrain<IManagementGrain>(0);
        var before = (await management.GetActiveGrains(type)).Select(g => g.Key.ToString()).ToHashSet();
        var options = await silo.Factory.Services.GetRequiredService<ConsoleTargets>().ForDispatchAsync(view!, duty);
        var after = (await management.GetActiveGrains(type)).Select(g => g.Key.ToString()).ToHashSet();

        var workers = options.Where(o => o.Group == "网格员").ToList();
        Assert.Equal(directory.WorkersWithin(village).Count(), workers.Count);
        Assert.Equal(Assignee.WorkerKey(id), workers[0].Id);
        Assert.Contains("最近的在岗网格员", workers[0].Hint, StringComparison.Ordinal);
        Assert.All(workers.Skip(1).Where(w => w.Id != Assignee.WorkerKey(id)), w => Assert.StartsWith("离线", w.Hint, StringComparison.Ordinal));
        // Listing the village's workers woke none of them.
        Assert.True(after.SetEquals(before), $"woken: {string.Join(", ", after.Except(before))}");
    }

    private async Task<string> OpenAsync(string grid, (double Lat, double Lon) point)
    {
        using var duty = await silo.As("duty");
        var created = await DemoSilo.Json(await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(duty, "/api/cases",
            new { channel = "walk_in", category = "02", urgency = "low", title = "邻里纠纷", description = "群众来访反映", lat = point.Lat, lon = point.Lon }));
        Assert.StartsWith(grid[..12], created.GetProperty("villageCode").GetString(), StringComparison.Ordinal);
        return created.GetProperty("code").GetString()!;
    }
}
