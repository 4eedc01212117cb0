using Command.Grains.Cases;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;

namespace Command.Grains.Tests.Cases;

public sealed class CaseNumberTests
{
    private const string County = "150123";

    [Fact]
    public async Task Codes_run_on_in_order_and_a_block_taken_by_another_copy_is_skipped_not_answered_as_an_error()
    {
        await using var cluster = await DomainCluster.StartAsync();
        var numbers = cluster.GrainFactory.GetGrain<ICaseNumberGrain>(County);
        var day = ChinaDate.Of(cluster.Clock.GetUtcNow()).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"{County}-{day}-0001", await numbers.NextAsync());

        // A second activation (while the membership changes) reserved the next block, 51 to 100, after this one read.
        var storage = cluster.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var id = GrainId.Create("casenumber", County);
        var other = new GrainState<CaseNumberState>();
        await storage.ReadStateAsync("case-numbers", id, other);
        other.State!.Reserved = 100;
        await storage.WriteStateAsync("case-numbers", id, other);

        // This copy hands out the rest of its own block, then takes the block after the other copy's: every case registered
        // gets a code, and none of the other copy's codes.
        var codes = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            codes.Add(await numbers.NextAsync());
        }

        Assert.Equal([.. Enumerable.Range(2, 49).Select(n => $"{County}-{day}-{n:D4}"), $"{County}-{day}-0101"], codes);
    }
}
