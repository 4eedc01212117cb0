using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Command.Grains.Orders;

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
    public async Task An_older_report_back_arriving_late_after_newer_ones_is_answered_and_does_not_bring_its_text_back()
    {
        var worker = await silo.WorkerIn(DemoSilo.Chengguan);
        using var duty = await silo.As("duty");
        using var phone = await silo.As($"worker-{worker.GridCode}");
        var issued = await DemoSilo.Json(await duty.PostAsJsonAsync("/api/orders", new { targets = new[] { $"worker-{worker.Id}" }, text = "核查桥梁护栏" }));
        var id = issued.GetProperty("id").GetString()!;
        await DemoSilo.Json(await phone.PostAsync($"/api/orders/{id}/sign", null));
        var first = Guid.NewGuid().ToString();
        var second = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.OK, (await Send(phone, id, first, "护栏松动一处")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(phone, id, second, "护栏已加固")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(phone, id, null, "复查护栏牢固")).StatusCode);
        var late = await Send(phone, id, first, "护栏松动一处");
        var again = await Send(phone, id, second, "护栏已加固");

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var order = await DemoSilo.Json(await duty.GetAsync($"/api/orders/{id}"));
        Assert.Equal(new[] { "下达", "签收", "反馈", "反馈", "反馈" }, Steps(order));
        Assert.Equal("复查护栏牢固", order.GetProperty("targets")[0].GetProperty("feedbackText").GetString());
    }

    [Fact]
    public void An_order_stored_with_one_report_back_key_still_answers_it_and_one_stored_with_none_reads_as_empty()
    {
        var old = OrderStore.Deserialize("""{"id":"o1","targets":[{"key":"worker-1","feedbackRequest":"k1"},{"key":"worker-2","feedbackRequests":null}]}""");

        Assert.Equal(["k1"], old.Targets[0].FeedbackRequests);
        Assert.Empty(old.Targets[1].FeedbackRequests);
        Assert.DoesNotContain("feedbackRequest\"", OrderStore.Serialize(old), StringComparison.Ordinal);
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

    private static Task<HttpResponseMessage> Send(HttpClient client, string id, string? key, string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{id}/feedback") { Content = JsonContent.Create(new { text }) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return client.SendAsync(request);
    }

    private static string[] Steps(JsonElement order) => [.. order.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("actionName").GetString()!)];
}
