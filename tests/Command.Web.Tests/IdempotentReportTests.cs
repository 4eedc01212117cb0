using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Command.Data;
using Command.Grains.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>
/// A phone resends a report or an action it is not sure arrived: with the same Idempotency-Key it is one case, or one step,
/// not two.
/// </summary>
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

    [Fact]
    public async Task An_action_resent_with_the_same_key_is_answered_with_the_case_and_makes_one_step()
    {
        var (_, _, grid) = await silo.WorkerIn(DemoSilo.Chengguan);
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        using var duty = await silo.As("duty");
        var created = await Send(duty, Guid.NewGuid().ToString(), new { channel = "walk_in", category = "14", urgency = "low", title = "治安隐患", description = "d", lat = point.Lat, lon = point.Lon });
        var code = (await DemoSilo.Json(created)).GetProperty("code").GetString();
        using var police = await silo.As($"dept-police-{DemoSilo.Chengguan}");
        var key = Guid.NewGuid().ToString();

        var signed = await Send(police, key, new { }, $"/api/cases/{code}/sign");
        var resent = await Send(police, key, new { }, $"/api/cases/{code}/sign");
        var unkeyed = await police.PostAsync($"/api/cases/{code}/sign", null);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (signed.StatusCode, resent.StatusCode));
        var history = (await DemoSilo.Json(resent)).GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Single(history, a => a == "sign");
        Assert.Equal("in_progress", (await DemoSilo.Json(resent)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, unkeyed.StatusCode);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string key, object body, string path = "/api/cases")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
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
