using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Command.Bench;
using Command.Data;
using Command.Testing;
using Command.Web.Hosting;
using Command.Web.Live;
using Command.Web.Video;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

using Command.Web.Tests.Video;

namespace Command.Web.Tests;

/// <summary>
/// Two silo processes over one PostgreSQL database, as infra/cluster/up.sh runs them (the proxy hashes each client to one of
/// them): a call's signalling and a dispatch order reach people connected to the other silo.
/// </summary>
public sealed class ClusterVideoTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    [SkippableFact]
    public async Task A_call_and_orders_reach_people_connected_to_the_other_silo()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        await using var a = await DemoClusterNode.StartAsync(DemoClusterNode.Settings(database));
        await using var b = await DemoClusterNode.StartAsync(DemoClusterNode.Settings(database));
        await MeshedAsync(a, b);
        using var throughA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
        using var throughB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };

        var (workerId, grid) = await FullTimeWorkerAsync(throughA, await TokenAsync(throughA, "admin"));
        var workerToken = await TokenAsync(throughB, $"worker-{grid}");
        await using var leader = await WatchingAsync(a, await TokenAsync(throughA, "leader"));
        await using var worker = await WatchingAsync(b, workerToken);

        // The worker's other devices, one on each silo: they ring too, stop ringing when the phone on B accepts (on A that
        // takes the relayed GroupExcept), and never see the call's signalling.
        await using var secondOnB = await WatchingAsync(b, workerToken);
        await using var secondOnA = await WatchingAsync(a, workerToken);

        // The leader on A calls the worker on B: the phone rings, and each step reaches the other side.
        var placed = await leader.InvokeAsync("Call", new CallRequest($"worker-{workerId}"));
        Assert.True(placed.GetProperty("ok").GetBoolean(), placed.ToString());
        var id = placed.GetProperty("call").GetProperty("id").GetString()!;
        Assert.Equal(id, (await worker.NextAsync("Ring"))[0].GetProperty("id").GetString());

        Assert.True((await worker.InvokeAsync("Accept", id)).GetProperty("ok").GetBoolean());
        Assert.Equal(id, (await leader.NextAsync("Accepted"))[0].GetProperty("id").GetString());

        Assert.True((await leader.InvokeAsync("Signal", id, new SignalMessage("offer", "v=0 offer"))).GetProperty("ok").GetBoolean());
        Assert.True((await leader.InvokeAsync("Signal", id, new SignalMessage("candidate", """{"candidate":"1"}"""))).GetProperty("ok").GetBoolean());
        var offer = await worker.NextAsync("Signal");
        Assert.Equal((id, "offer", "v=0 offer"), (offer[0].GetString(), offer[1].GetProperty("kind").GetString(), offer[1].GetProperty("data").GetString()));
        Assert.Equal("candidate", (await worker.NextAsync("Signal"))[1].GetProperty("kind").GetString());   // after the offer, as sent
        Assert.True((await worker.InvokeAsync("Signal", id, new SignalMessage("answer", "v=0 answer"))).GetProperty("ok").GetBoolean());
        Assert.Equal("v=0 answer", (await leader.NextAsync("Signal"))[1].GetProperty("data").GetString());

        var ended = await leader.InvokeAsync("HangUp", id);
        Assert.Equal("ended", ended.GetProperty("call").GetProperty("status").GetString());
        var atWorker = await worker.NextAsync("Ended");
        Assert.Equal((id, "ended"), (atWorker[0].GetProperty("id").GetString(), atWorker[0].GetProperty("status").GetString()));

        // A marker: a second call rings every device of the worker. Whatever the first call pushed to a device came before
        // it on that connection, so everything up to the marker is all the device will ever get of the first call: each
        // push exactly once (nothing relayed back to its own silo), and no signal where it does not belong.
        var marker = await leader.InvokeAsync("Call", new CallRequest($"worker-{workerId}"));
        Assert.True(marker.GetProperty("ok").GetBoolean(), marker.ToString());
        var markerId = marker.GetProperty("call").GetProperty("id").GetString()!;
        Assert.Equal(
            [("Ring", id), ("Signal", id), ("Signal", id), ("Ended", id), ("Ring", markerId)],
            await worker.SeenUntilAsync("Ring", markerId));
        foreach (var other in new[] { secondOnB, secondOnA })
        {
            Assert.Equal([("Ring", id), ("RingStopped", id), ("Ring", markerId)], await other.SeenUntilAsync("Ring", markerId));
        }

        Assert.Equal([("Accepted", id), ("Signal", id)], leader.Seen);

        // Orders: the township center's console is on B, the worker's phone on A. Whichever silo an order's grain runs on,
        // one of its two receivers is on the other.
        var townUser = $"town-{DemoSilo.Chengguan}";
        await using var townConsole = await InboxConnection.ConnectAsync(b, await TokenAsync(throughB, townUser));
        await using var workerPhone = await InboxConnection.ConnectAsync(a, workerToken);
        var townKey = $"center-{DemoSilo.Chengguan}";
        var workerKey = $"worker-{workerId}";
        foreach (var (through, text) in new[] { (throughA, "立即前往现场核查"), (throughB, "核查完毕后回报") })
        {
            var issued = await IssueAsync(through, await TokenAsync(through, "duty"), [townKey, workerKey], text);
            var atTown = await townConsole.NextOrderAsync(issued);
            Assert.Equal((text, townKey), (atTown.GetProperty("text").GetString(), atTown.GetProperty("targets")[0].GetProperty("key").GetString()));
            var atPhone = await workerPhone.NextOrderAsync(issued);
            Assert.Equal((text, workerKey), (atPhone.GetProperty("text").GetString(), atPhone.GetProperty("targets")[0].GetProperty("key").GetString()));
        }
    }

    /// <summary>
    /// Waits (a little) for each silo to have learned the other. Not an assertion: what a user notices is asserted afterwards,
    /// and without the mesh those steps fail.
    /// </summary>
    private static async Task MeshedAsync(SiloProcess a, SiloProcess b)
    {
        try
        {
            const string Meshed = "Hub sends and orders are relayed to 1 other silo";
            await Eventually.True(() => a.Output.Contains(Meshed, StringComparison.Ordinal) && b.Output.Contains(Meshed, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
        }
    }

    private static async Task<string> TokenAsync(HttpClient silo, string userName)
    {
        using var response = await silo.PostAsJsonAsync("/api/auth/token", new { userName, password = "demo" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<(long Id, string Grid)> FullTimeWorkerAsync(HttpClient silo, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/workers?region={DemoSilo.Chengguan}&pageSize=40");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await silo.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        var item = page.GetProperty("items").EnumerateArray().First(w => w.GetProperty("kind").GetString() == "专职网格员");
        return (item.GetProperty("id").GetInt64(), item.GetProperty("gridCode").GetString()!);
    }

    /// <summary>Issues an order through a silo; its id.</summary>
    private static async Task<string> IssueAsync(HttpClient silo, string token, string[] targets, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { targets, text }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await silo.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }


    private static HubConnection Hub(SiloProcess silo, string path, string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(silo.BaseAddress, path), o =>
        {
            o.Transports = HttpTransportType.WebSockets | HttpTransportType.LongPolling;
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        })
        .AddJsonProtocol(o => o.PayloadSerializerOptions.UseCommandJson())
        .Build();

    /// <summary>A browser's video connection to one silo, connected and watching (ringing for its party).</summary>
    private static async Task<VideoConnection> WatchingAsync(SiloProcess silo, string token)
    {
        var video = await VideoConnection.StartAsync(Hub(silo, CallExtensions.HubPath, token), Within);
        try
        {
            Assert.True((await video.InvokeAsync("Watch")).GetProperty("ok").GetBoolean());
            return video;
        }
        catch
        {
            await video.DisposeAsync();
            throw;
        }
    }

    /// <summary>A console's or phone's inbox connection to one silo, keeping the pushed orders.</summary>
    private sealed class InboxConnection : IAsyncDisposable
    {
        private readonly HubConnection connection;
        private readonly Channel<JsonElement> orders = Channel.CreateUnbounded<JsonElement>();

        private InboxConnection(HubConnection connection)
        {
            this.connection = connection;
            connection.On<JsonElement>(nameof(IInboxClient.Order), order => orders.Writer.TryWrite(order));
        }

        /// <summary>Connected and watching (in its unit's or worker's groups).</summary>
        public static async Task<InboxConnection> ConnectAsync(SiloProcess silo, string token)
        {
            var inbox = new InboxConnection(Hub(silo, InboxExtensions.HubPath, token));
            try
            {
                await inbox.connection.StartAsync();
                await inbox.connection.InvokeAsync<JsonElement>("Watch");
                return inbox;
            }
            catch
            {
                await inbox.DisposeAsync();
                throw;
            }
        }

        /// <summary>The pushed order with this id, passing over others.</summary>
        public async Task<JsonElement> NextOrderAsync(string id)
        {
            using var timeout = new CancellationTokenSource(Within);
            try
            {
                while (true)
                {
                    var order = await orders.Reader.ReadAsync(timeout.Token);
                    if (order.GetProperty("id").GetString() == id)
                    {
                        return order;
                    }
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Order {id} did not reach this connection within {Within.TotalSeconds:0} s");
            }
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
