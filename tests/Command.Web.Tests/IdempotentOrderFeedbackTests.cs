using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Command.Web.Tests;

/// <summary>
/// A phone resends an order's 反馈 it is not sure arrived (its outbox does, after a lost answer): with the same Idempotency-Key
/// the order keeps it once; 签收 sent again changes nothing anyway.
/// </summary>
public sealed class IdempotentOrderFeedbackTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    [Fact]
    public async Task A_report_back_resent_with_the_same_key_is_kept_once_and_a_new_key_is_a_new_report_back()
    {
        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        using var duty = await silo.As("duty");
        using var phone = await silo.As($"worker-{worker.GridCode}");
        var issued = await DemoSilo.Json(await duty.PostAsJsonAsync("/api/orders", new { targets = new[] { $"worker-{worker.Id}" }, text = "核查河道水位" }));
        var id = issued.GetProperty("id").GetString()!;
        await DemoSilo.Json(await phone.PostAsync($"/api/orders/{id}/sign", null));
        await DemoSilo.Json(await phone.PostAsync($"/api/orders/{id}/sign", null));
        var key = Guid.NewGuid().ToString();

        var first = await Send(phone, id, key, "水位正常");
        var resent = await Task.WhenAll(Send(phone, id, key, "水位正常"), Send(phone, id, key, "水位正常"));
        var other = await Send(phone, id, Guid.NewGuid().ToString(), "傍晚复查，水位正常");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.All(resent, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var order = await DemoSilo.Json(await duty.GetAsync($"/api/orders/{id}"));
        Assert.Equal(new[] { "下达", "签收", "反馈", "反馈" }, Steps(order));
        Assert.Equal("傍晚复查，水位正常", order.GetProperty("targets")[0].GetProperty("feedbackText").GetString());
    }

    [Fact]
    public async Task A_report_back_with_a_key_that_cannot_be_one_is_refused_in_Chinese_and_changes_nothing()
    {
        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        using var duty = await silo.As("duty");
        using var phone = await silo.As($"worker-{worker.GridCode}");
        var issued = await DemoSilo.Json(await duty.PostAsJsonAsync("/api/orders", new { targets = new[] { $"worker-{worker.Id}" }, text = "核查路灯" }));
        var id = issued.GetProperty("id").GetString()!;
        await DemoSilo.Json(await phone.PostAsync($"/api/orders/{id}/sign", null));

        var refused = await Send(phone, id, "a/b", "路灯已修复");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("Idempotency-Key 请求头", detail, StringComparison.Ordinal);
        Assert.Equal(new[] { "下达", "签收" }, Steps(await DemoSilo.Json(await duty.GetAsync($"/api/orders/{id}"))));
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string id, string key, string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{id}/feedback") { Content = JsonContent.Create(new { text }) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static string[] Steps(JsonElement order) => [.. order.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("actionName").GetString()!)];
}
