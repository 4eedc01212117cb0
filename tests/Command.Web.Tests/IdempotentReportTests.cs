using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Command.Data;
using Command.Grains.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>A phone resends a report it is not sure arrived: with the same Idempotency-Key it is one case, not two.</summary>
public sealed class IdempotentReportTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task A_report_resent_with_the_same_key_opens_one_case_and_answers_it_again()
    {
        var (_, _, grid) = await silo.WorkerIn(DemoSilo.Chengguan);
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        using var worker = await silo.As($"worker-{grid}");
        var key = Guid.NewGuid().ToString();
        var body = new { channel = "grid", category = "15", urgency = "medium", title = "井盖缺失", description = "路口井盖缺失", lat = point.Lat, lon = point.Lon };
        var before = await CountCasesAsync();

        var first = await Send(worker, key, body);
        var again = await Task.WhenAll(Send(worker, key, body), Send(worker, key, body));
        var other = await Send(worker, Guid.NewGuid().ToString(), body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var code = (await DemoSilo.Json(first)).GetProperty("code").GetString();
        foreach (var resent in again)
        {
            Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
            Assert.Equal(code, (await DemoSilo.Json(resent)).GetProperty("code").GetString());
        }

        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.NotEqual(code, (await DemoSilo.Json(other)).GetProperty("code").GetString());
        Assert.Equal(before + 2, await CountCasesAsync());
    }

    [Fact]
    public async Task A_refused_report_does_not_use_up_its_key()
    {
        var (_, _, grid) = await silo.WorkerIn(DemoSilo.Chengguan);
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        using var worker = await silo.As($"worker-{grid}");
        var key = Guid.NewGuid().ToString();

        var refused = await Send(worker, key, new { channel = "grid", category = "15", urgency = "medium", title = "井盖缺失", description = "d", lat = 0.5, lon = 0.5 });
        var corrected = await Send(worker, key, new { channel = "grid", category = "15", urgency = "medium", title = "井盖缺失", description = "d", lat = point.Lat, lon = point.Lon });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/cases") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task<long> CountCasesAsync()
    {
        long count = 0;
        await silo.Factory.Services.GetRequiredService<Database>().QueryAsync(
            new SqlStatement("SELECT count(*) FROM cases"), r => count = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture));
        return count;
    }
}
