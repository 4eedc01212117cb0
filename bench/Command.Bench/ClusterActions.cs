using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Command.Bench;

/// <summary>
/// Conflicting case actions sent through several silos of one cluster, as two people at two consoles behind a load
/// balancer send them: every case of the demo county's 人社局 (欠薪, dispatched there by rule) gets each step twice at the
/// same moment, one copy through one silo and one through another: both sign, both report progress, both raise
/// supervision, both ask for an extension, one approves while the other reports, one resolves while the other reports,
/// one verifies while the other raises supervision. One of a pair may be refused (409) — that is an answer; a 5xx or no
/// answer is a failure. Every action carries a note of its own, so each acknowledged one can be looked for in the
/// case's history afterwards. Shared by the <c>cluster</c> benchmark and the process tests (linked as source).
/// </summary>
public sealed class ClusterActions
{
    public const string County = "150123";

    /// <summary>A township (盛乐镇): the place of every case.</summary>
    private const string Place = "150123101";

    private const string Duty = "duty";
    private const string Handler = "dept-hrss";

    private static readonly Round[] Script =
    [
        new(new("sign", Handler, null), new("sign", Handler, null)),
        new(new("progress", Handler, null), new("progress", Handler, null)),
        new(new("supervise", Duty, "\"level\":\"normal\""), new("supervise", Duty, "\"level\":\"yellow\"")),
        new(new("extend", Handler, "\"days\":3"), new("extend", Handler, "\"days\":2")),
        new(new("approve-extension", Duty, "\"approve\":true"), new("progress", Handler, null)),
        new(new("progress", Handler, null), new("resolve", Handler, "\"result\":\"resolved\"")),
        new(new("verify", Duty, "\"pass\":true"), new("supervise", Duty, "\"level\":\"red\"")),
    ];

    private readonly IReadOnlyList<HttpClient> silos;
    private readonly IReadOnlyList<Dictionary<string, string>> tokens;
    private readonly ConcurrentQueue<Sent> sent = new();
    private int serial;

    private ClusterActions(IReadOnlyList<HttpClient> silos, IReadOnlyList<Dictionary<string, string>> tokens)
    {
        this.silos = silos;
        this.tokens = tokens;
    }

    /// <summary>How many rounds a case goes through; <see cref="RunAsync"/> takes a range of them.</summary>
    public static int Rounds => Script.Length;

    /// <summary>Every action sent so far, with its answer.</summary>
    public IReadOnlyList<Sent> Answers => [.. sent];

    /// <summary>
    /// Signs in the duty officer and the 人社局 on every silo: until the silos share one data-protection key ring, a
    /// token one silo issued is refused by another, so each silo gets its own.
    /// </summary>
    public static async Task<ClusterActions> PrepareAsync(IReadOnlyList<HttpClient> silos)
    {
        var tokens = new List<Dictionary<string, string>>();
        foreach (var silo in silos)
        {
            tokens.Add(new Dictionary<string, string>
            {
                [Duty] = await SignInAsync(silo, Duty),
                [Handler] = await SignInAsync(silo, Handler),
            });
        }

        return new ClusterActions(silos, tokens);
    }

    /// <summary>Registers a case through one silo; it is dispatched to the 人社局 by rule.</summary>
    public async Task<string> CreateCaseAsync(int silo)
    {
        var n = Interlocked.Increment(ref serial);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cases")
        {
            Content = JsonContent.Create(new
            {
                channel = "walk_in",
                category = "10",
                urgency = "medium",
                title = $"集群测试欠薪 {n}",
                description = "集群测试：工地拖欠工资",
                regionCode = Place,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[silo][Duty]);
        using var response = await silos[silo].SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"registering a case through silo {silo} answered {(int)response.StatusCode}: {text}");
        }

        using var created = JsonDocument.Parse(text);
        var to = created.RootElement.GetProperty("dispatchedTo").GetProperty("id").GetString();
        return to == $"dept-{County}-hrss"
            ? created.RootElement.GetProperty("code").GetString()!
            : throw new InvalidOperationException($"a 欠薪 case went to {to}, not the 人社局: the dispatch rules changed");
    }

    /// <summary>
    /// Runs rounds [<paramref name="from"/>, <paramref name="to"/>) of every case, at most <paramref name="parallel"/> cases at
    /// a time; in each round the two copies go at once through two of the given silos (case by case, the first copy
    /// alternates between them). With one silo, both copies go through it.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<string> cases, int from, int to, IReadOnlyList<int> through, int parallel, string phase)
    {
        using var gate = new SemaphoreSlim(parallel);
        await Task.WhenAll(cases.Select(async (code, i) =>
        {
            await gate.WaitAsync();
            try
            {
                for (var r = from; r < to; r++)
                {
                    var first = through[i % through.Count];
                    var second = through[(i + 1) % through.Count];
                    await Task.WhenAll(
                        SendAsync(phase, code, r, 'a', Script[r].First, first),
                        SendAsync(phase, code, r, 'b', Script[r].Second, second));
                }
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>
    /// Reads every case back through each given silo and finds the acknowledged actions missing from its history. A read
    /// that fails (a silo still taking over a dead one's cases) is tried again until <paramref name="patience"/> runs out.
    /// </summary>
    public async Task<Readback> ReadBackAsync(IReadOnlyList<string> cases, IReadOnlyList<int> through, TimeSpan patience)
    {
        var acknowledged = sent.Where(s => s.Acknowledged).ToLookup(s => s.Code);
        var lost = new ConcurrentBag<Sent>();
        var unread = new ConcurrentBag<string>();
        using var deadline = new CancellationTokenSource(patience);
        await Task.WhenAll(cases.SelectMany(code => through.Select(async silo =>
        {
            if (await HistoryAsync(code, silo, deadline.Token) is not { } notes)
            {
                unread.Add($"{code} through silo {silo}");
                return;
            }

            foreach (var action in acknowledged[code].Where(a => !notes.Contains(a.Note)))
            {
                lost.Add(action with { Phase = $"{action.Phase}, missing when read through silo {silo}" });
            }
        })));
        return new Readback([.. lost], [.. unread]);
    }

    private async Task SendAsync(string phase, string code, int round, char side, Step step, int silo)
    {
        var note = $"集群测试 {code} 第{round + 1}轮{side} 经{silo}号节点 #{Interlocked.Increment(ref serial)}";
        var body = $"{{\"note\":\"{note}\"{(step.Fields is null ? string.Empty : "," + step.Fields)}}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{code}/{step.Action}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[silo][step.User]);
        int? status;
        string detail;
        try
        {
            using var response = await silos[silo].SendAsync(request);
            status = (int)response.StatusCode;
            detail = response.IsSuccessStatusCode ? string.Empty : await response.Content.ReadAsStringAsync();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            status = null;
            detail = e.Message;
        }

        sent.Enqueue(new Sent(phase, code, step.Action, silo, note, status, detail));
    }

    private async Task<HashSet<string>?> HistoryAsync(string code, int silo, CancellationToken patience)
    {
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{code}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[silo][Duty]);
                using var response = await silos[silo].SendAsync(request, patience);
                if (response.IsSuccessStatusCode)
                {
                    using var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync(patience));
                    return [.. view.RootElement.GetProperty("history").EnumerateArray()
                        .Select(e => e.GetProperty("note").GetString() ?? string.Empty)];
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !patience.IsCancellationRequested))
            {
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), patience);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    private static async Task<string> SignInAsync(HttpClient silo, string userName)
    {
        using var response = await silo.PostAsJsonAsync("/api/auth/token", new { userName, password = "demo" });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>One action and its answer: the status code, or null when none came (the silo died, or the request timed out).</summary>
    public sealed record Sent(string Phase, string Code, string Action, int Silo, string Note, int? Status, string Detail)
    {
        public bool Acknowledged => Status is >= 200 and < 300;

        public bool ServerError => Status >= 500;

        public override string ToString() => $"[{Phase}] {Action} {Code} through silo {Silo}: {Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"} {Detail}";
    }

    /// <summary>Acknowledged actions absent from a history read back, and the cases that could not be read at all.</summary>
    public sealed record Readback(IReadOnlyList<Sent> Lost, IReadOnlyList<string> Unread);

    private sealed record Step(string Action, string User, string? Fields);

    private sealed record Round(Step First, Step Second);
}
