using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Command.Data;
using Command.Grains.Cases;
using Command.Grains.Regions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;

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
    public async Task A_key_replayed_by_an_account_that_may_no_longer_see_its_case_does_not_get_the_case()
    {
        using var admin = await silo.As("admin");
        await DemoSilo.Json(await admin.PostAsJsonAsync("/api/users", new { userName = "moving-reporter", displayName = "调岗坐席", password = "Chengguan2026", role = "township_center", region = DemoSilo.Chengguan }));
        using var before = Bearer(await SignIns.TokenAsync(silo.Factory, "moving-reporter", "Chengguan2026"));
        var key = Guid.NewGuid().ToString();
        var body = new { channel = "walk_in", category = "02", urgency = "low", title = "邻里噪音纠纷", description = "群众来访反映", regionCode = "150123100001" };
        var first = await Send(before, key, body);
        var code = (await DemoSilo.Json(first)).GetProperty("code").GetString()!;

        // The account now serves another township (the name is the same, the person or desk behind it is not).
        (await admin.PutAsJsonAsync("/api/users/moving-reporter", new { displayName = "调岗坐席", role = "township_center", region = DemoSilo.Shengle })).EnsureSuccessStatusCode();
        using var after = Bearer(await SignIns.TokenAsync(silo.Factory, "moving-reporter", "Chengguan2026"));
        var replayed = await Send(after, key, body);

        Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        var problem = await replayed.Content.ReadAsStringAsync();
        Assert.Contains("Idempotency-Key", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(code, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_after_a_crash_between_giving_the_code_and_opening_the_case_opens_that_case_once()
    {
        // What a silo that died half-way leaves: the key holds the code given to the report, and no case has it yet.
        var (_, _, grid) = await silo.WorkerIn(DemoSilo.Chengguan);
        var point = silo.Factory.Services.GetRequiredService<RegionDirectory>().PointInside(grid)!.Value;
        var key = Guid.NewGuid().ToString();
        var grains = silo.Factory.Services.GetRequiredService<IGrainFactory>();
        var given = await grains.GetGrain<ICaseNumberGrain>(DemoSilo.County).NextAsync();
        var storage = silo.Factory.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var submission = grains.GetGrain<ICaseSubmissionGrain>(CaseSubmission.KeyOf($"worker-{grid}", key));
        await storage.WriteStateAsync("case-submission", submission.GetGrainId(), new GrainState<CaseSubmissionState>(new CaseSubmissionState { Code = given }));
        var count = await CountCasesAsync();

        using var worker = await silo.As($"worker-{grid}");
        var body = new { channel = "grid", category = "15", urgency = "medium", title = "井盖缺失", description = "路口井盖缺失", lat = point.Lat, lon = point.Lon };
        var retried = await Send(worker, key, body);
        var again = await Send(worker, key, body);

        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(given, (await DemoSilo.Json(retried)).GetProperty("code").GetString());
        Assert.Equal(given, (await DemoSilo.Json(again)).GetProperty("code").GetString());
        Assert.Equal(count + 1, await CountCasesAsync());
    }

    private HttpClient Bearer(string token)
    {
        var client = silo.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
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
