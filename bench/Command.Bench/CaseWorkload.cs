using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Command.Bench;

/// <summary>
/// A mixed stream of case commands as the demo county's people send them over HTTP: the duty officer registers cases
/// (about 30 % of commands) at grids spread over the county; each case then goes through its loop one command at a
/// time, each as the right person: the duty officer dispatches what no rule matched, the unit signs, reports progress,
/// sometimes asks for more time (the dispatching center approves), resolves; the dispatching center verifies, revisits
/// as planned and archives. A case is never sent two commands at once, so no refusal is expected: every non-2xx counts
/// as failed.
/// </summary>
internal sealed class CaseWorkload
{
    private const double CreateShare = 0.3;
    private const string County = "150123";

    private static readonly (string Category, int Weight)[] Categories = [("02", 40), ("14", 25), ("10", 15), ("17", 20)];

    private readonly HttpClient client;
    private readonly IReadOnlyList<string> grids;
    private readonly Dictionary<string, string> tokens;
    private readonly List<BenchCase> ready = [];
    private readonly Lock gate = new();
    private readonly Random random = new(7);
    private readonly ConcurrentDictionary<string, int> mix = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> failures = new();
    private int serial;
    private long failed;

    private CaseWorkload(HttpClient client, IReadOnlyList<string> grids, Dictionary<string, string> tokens)
    {
        this.client = client;
        this.grids = grids;
        this.tokens = tokens;
    }

    public long Failed => Interlocked.Read(ref failed);

    public IReadOnlyDictionary<string, int> Mix => mix;

    public IEnumerable<string> FirstFailures => failures.Take(5);

    /// <summary>Picks grids across the county and signs in everyone who will act on cases there.</summary>
    public static async Task<CaseWorkload> PrepareAsync(HttpClient client, int gridCount)
    {
        var duty = await SignInAsync(client, "duty");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/workers?region={County}&pageSize=1000");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", duty);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var all = page.RootElement.GetProperty("items").EnumerateArray().Select(w => w.GetProperty("gridCode").GetString()!).Distinct().ToList();
        var grids = Enumerable.Range(0, gridCount).Select(i => all[i * all.Count / gridCount]).ToList();
        var users = grids.SelectMany(g => (string[])[$"village-{g[..12]}", $"town-{g[..9]}", $"dept-police-{g[..9]}"]).Append("dept-hrss").Append("dept-police").Distinct().ToList();
        var tokens = new Dictionary<string, string> { ["duty"] = duty };
        foreach (var chunk in users.Chunk(4))
        {
            var signed = await Task.WhenAll(chunk.Select(u => SignInAsync(client, u)));
            for (var i = 0; i < chunk.Length; i++)
            {
                tokens[chunk[i]] = signed[i];
            }
        }

        return new CaseWorkload(client, grids, tokens);
    }

    /// <summary>Sends the next command (a new case, or the next step of a case no command is in flight for); true when it succeeded.</summary>
    public async Task<bool> NextAsync()
    {
        BenchCase? next = null;
        lock (gate)
        {
            if (ready.Count > 0 && random.NextDouble() >= CreateShare)
            {
                var i = random.Next(ready.Count);
                next = ready[i];
                ready[i] = ready[^1];
                ready.RemoveAt(ready.Count - 1);
            }
        }

        return next is null ? await CreateAsync() : await StepAsync(next);
    }

    private async Task<bool> CreateAsync()
    {
        string grid, category;
        int n;
        lock (gate)
        {
            grid = grids[random.Next(grids.Count)];
            category = Pick(random.Next(100));
            n = ++serial;
        }

        var hotline = n % 5 == 0 ? $",\"hotline\":{{\"number\":\"12345-BENCH-{n}\",\"caller\":\"王先生\"}}" : string.Empty;
        var body = $"{{\"channel\":\"{(hotline.Length > 0 ? "hotline" : "walk_in")}\",\"category\":\"{category}\",\"urgency\":\"{(n % 10 == 0 ? "high" : "medium")}\","
            + $"\"title\":\"压测案件 {n}\",\"description\":\"负载测试：群众来访反映的矛盾纠纷\",\"regionCode\":\"{grid}\"{hotline}}}";
        var (ok, json) = await SendAsync("create", HttpMethod.Post, "/api/cases", "duty", body, read: true);
        if (!ok)
        {
            return false;
        }

        using var created = JsonDocument.Parse(json!);
        var root = created.RootElement;
        var view = root.GetProperty("case");
        var @case = new BenchCase(root.GetProperty("code").GetString()!);
        if (view.GetProperty("status").GetString() == "accepted")
        {
            // No rule matched: it waits at the county center, whose duty officer sends it to the township center.
            @case.Steps.Enqueue(new Step("dispatch", "duty", $"{{\"to\":\"center-{grid[..9]}\"}}"));
            @case.Assignee = $"town-{grid[..9]}";
            @case.Dispatcher = "duty";
        }
        else
        {
            @case.Assignee = UserOf(root.GetProperty("dispatchedTo").GetProperty("id").GetString()!);
            @case.Dispatcher = UserOf(view.GetProperty("assignment").GetProperty("dispatchedBy").GetString()!);
        }

        @case.Steps.Enqueue(new Step("sign", @case.Assignee, null));
        @case.Steps.Enqueue(new Step("progress", @case.Assignee, "{\"note\":\"已到现场了解情况，分别与双方当事人谈话\"}"));
        if (n % 3 == 0)
        {
            @case.Steps.Enqueue(new Step("extend", @case.Assignee, "{\"note\":\"需补充调查取证，申请延期\",\"days\":3}"));
            @case.Steps.Enqueue(new Step("approve-extension", @case.Dispatcher, "{\"approve\":true}"));
        }

        @case.Steps.Enqueue(new Step("resolve", @case.Assignee, "{\"result\":\"resolved\",\"note\":\"经调解双方达成协议\"}"));
        @case.Steps.Enqueue(new Step("verify", @case.Dispatcher, "{\"pass\":true}"));
        Return(@case);
        return true;
    }

    private async Task<bool> StepAsync(BenchCase @case)
    {
        var step = @case.Steps.Dequeue();
        var (ok, json) = await SendAsync(step.Action, HttpMethod.Post, $"/api/cases/{@case.Code}/{step.Action}", step.User, step.Body, read: step.Action == "verify");
        if (!ok)
        {
            return false;
        }

        if (step.Action == "verify")
        {
            // The revisit plan (weekly then monthly for disputes, one callback otherwise), then the archive.
            using var view = JsonDocument.Parse(json!);
            var revisits = view.RootElement.GetProperty("revisits").EnumerateArray().Count(r => r.GetProperty("doneAt").ValueKind == JsonValueKind.Null);
            for (var i = 0; i < revisits; i++)
            {
                @case.Steps.Enqueue(new Step("revisit", @case.Dispatcher, "{\"satisfaction\":\"satisfied\"}"));
            }

            @case.Steps.Enqueue(new Step("archive", @case.Dispatcher, null));
        }

        Return(@case);
        return true;
    }

    private void Return(BenchCase @case)
    {
        if (@case.Steps.Count == 0)
        {
            return;
        }

        lock (gate)
        {
            ready.Add(@case);
        }
    }

    private async Task<(bool Ok, string? Json)> SendAsync(string action, HttpMethod method, string url, string user, string? body, bool read)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[user]);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await client.SendAsync(request);
            var text = response.IsSuccessStatusCode && !read ? null : await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                Fail($"{action} {url} as {user}: {(int)response.StatusCode} {text}");
                return (false, null);
            }

            mix.AddOrUpdate(action, 1, (_, count) => count + 1);
            return (true, text);
        }
        catch (HttpRequestException e)
        {
            Fail($"{action} {url}: {e.Message}");
            return (false, null);
        }
    }

    private void Fail(string what)
    {
        Interlocked.Increment(ref failed);
        if (failures.Count < 5)
        {
            failures.Enqueue(what);
        }
    }

    private static string Pick(int roll)
    {
        foreach (var (category, weight) in Categories)
        {
            if (roll < weight)
            {
                return category;
            }

            roll -= weight;
        }

        return Categories[^1].Category;
    }

    /// <summary>The demo account of a unit: center-{county} → duty, center-{township} → town-…, dept-{region}-{short} → dept-{short}[-township].</summary>
    private static string UserOf(string unit)
    {
        if (unit == $"center-{County}")
        {
            return "duty";
        }

        if (unit.StartsWith("center-", StringComparison.Ordinal))
        {
            return $"town-{unit["center-".Length..]}";
        }

        if (unit.StartsWith("dept-", StringComparison.Ordinal))
        {
            var parts = unit.Split('-');
            return parts[1] == County ? $"dept-{parts[2]}" : $"dept-{parts[2]}-{parts[1]}";
        }

        return unit;
    }

    internal static async Task<string> SignInAsync(HttpClient client, string userName)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password = "demo" });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private sealed record Step(string Action, string User, string? Body);

    private sealed class BenchCase(string code)
    {
        public string Code => code;

        public string Assignee { get; set; } = string.Empty;

        public string Dispatcher { get; set; } = string.Empty;

        public Queue<Step> Steps { get; } = new();
    }
}
