using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Command.Data;
using Command.Grains.Cases;
using Command.Grains.Regions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Command.Web.Tests;

/// <summary>
/// Every API route × every role × a resource of the user's own township and of another: each answer is of the class the
/// table below says (allowed, 401, 403 for the role, or out of scope answering exactly as something missing), no refusal
/// names a place, a case's state or a title, and no refusal changes anything. A route the table does not classify fails it.
/// </summary>
public sealed class AuthorizationMatrixTests(DemoSilo silo) : IClassFixture<DemoSilo>
{
    private const string Chengguan = DemoSilo.Chengguan;

    /// <summary>Who may call a route at all (the role check, which says nothing about any resource).</summary>
    private enum Who
    {
        Anyone,         // no sign-in needed (the route has its own credentials: a password, a device id)
        SignedIn,
        Admin,
        GridWorker,
        NotAdmin,       // registering or acting on a case: the admin configures, it does not take cases
        NotDepartment,  // region figures: a department sees only the cases sent to it
        Acknowledgers,  // duty officer, leader, township center, village
        SosClosers,     // duty officer, leader, township center (解除 a worker's SOS)
        Issuers,        // duty officer, leader, township center (调度指令)
        NotAdminOrders, // everyone with a desk or a phone: the admin has no orders
    }

    /// <summary>How something outside the user's scope answers: as something missing (404), or as an unknown value (400).</summary>
    private enum OutOfScope
    {
        NotScoped,
        AsMissing,
        AsUnknownValue,
    }

    private enum Answer
    {
        Allowed,
        Unauthorized,
        RoleRefused,
        AsMissing,
        AsUnknownValue,
        Any,
    }

    private sealed record Call(string Url, Func<HttpContent?>? Body = null);

    /// <summary>A request for something that does not exist, and the token that differs from the out-of-scope request's answer.</summary>
    private sealed record Missing(Call Call, string MissingToken, string OtherToken);

    private sealed record Route(
        string Method, string Pattern, Who Who, OutOfScope Scope, Func<World, bool, string, Call> Make,
        Func<World, Call, string, Missing>? Absent = null, bool MayFindNothing = false);

    /// <summary>What the requests point at: things in the own township (城关镇) and in another (盛乐镇).</summary>
    private sealed record World(
        string Grid, string OtherGrid, (double Lat, double Lon) Point, (double Lat, double Lon) OtherPoint,
        string Case, string OtherCase, long Worker, long OtherWorker, string Device, string OtherDevice,
        string Warning, string OtherWarning, string Attachment, string OtherAttachment, string Order, string OtherOrder)
    {
        public string Of(bool other, string own, string elsewhere) => other ? elsewhere : own;
    }

    private static Func<HttpContent?> Json(object body) => () => JsonContent.Create(body);

    private static Func<HttpContent?> Empty => () => new StringContent("{}", Encoding.UTF8, "application/json");

    private static object Report(World w, bool other, string user) => Report(user, other ? w.OtherPoint : w.Point);

    private static object Report(string user, (double Lat, double Lon) point) => new
    {
        channel = user.StartsWith("worker-", StringComparison.Ordinal) ? "grid" : "walk_in",
        category = "17", urgency = "low", title = "矩阵上报", description = "d", lat = point.Lat, lon = point.Lon,
    };

    private static object Positions(string device, (double Lat, double Lon) point) => new
    {
        positions = new[] { new { id = device, lat = point.Lat, lon = point.Lon, timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() } },
    };

    /// <summary>The same request for something that does not exist: the identifier in the address swapped for an unknown one.</summary>
    private static Missing Swapped(Call call, string other, string missing) =>
        new(call with { Url = call.Url.Replace(other, missing, StringComparison.Ordinal) }, missing, other);

    private static Missing NoRegion(World w, Call call) => Swapped(call, w.OtherGrid, w.Grid[..12] + "999");

    private static Missing NoCase(World w, Call call) => Swapped(call, w.OtherCase, w.OtherCase[..^4] + "9999");

    private static Missing NoOrder(World w, Call call) => Swapped(call, w.OtherOrder, new string('A', w.OtherOrder.Length));

    private static object OrderTo(string target) => new { targets = new[] { target }, text = "矩阵指令" };

    private static Missing NoWorker(World w, Call call) => Swapped(call, w.OtherWorker.ToString(System.Globalization.CultureInfo.InvariantCulture), "987654321");

    /// <summary>The table: every route, who may call it, and how a target outside the scope answers.</summary>
    private static readonly Route[] Routes =
    [
        new("POST", "/api/auth/token", Who.Anyone, OutOfScope.NotScoped, (_, _, _) => new("/api/auth/token", Empty)),
        new("GET", "/api/me", Who.SignedIn, OutOfScope.NotScoped, (_, _, _) => new("/api/me")),
        new("POST", "/api/me/session", Who.Anyone, OutOfScope.NotScoped, (_, _, _) => new("/api/me/session", Empty)),
        new("GET", "/api/me/worker", Who.GridWorker, OutOfScope.NotScoped, (_, _, _) => new("/api/me/worker")),
        new("POST", "/api/me/positions", Who.GridWorker, OutOfScope.NotScoped, (_, _, _) => new("/api/me/positions", Empty)),
        new("POST", "/api/me/sos", Who.GridWorker, OutOfScope.NotScoped, (_, _, _) => new("/api/me/sos", Json(new { lat = 999 }))),
        new("DELETE", "/api/me/sos", Who.GridWorker, OutOfScope.NotScoped, (_, _, _) => new("/api/me/sos"), MayFindNothing: true),
        new("GET", "/api/regions", Who.SignedIn, OutOfScope.NotScoped, (_, _, _) => new("/api/regions")),
        new("GET", "/api/regions/{code}", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/regions/{w.Of(o, w.Grid, w.OtherGrid)}"), (w, u, _) => NoRegion(w, u)),
        new("GET", "/api/regions/{code}/boundaries", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/regions/{w.Of(o, w.Grid, w.OtherGrid)}/boundaries"), (w, u, _) => NoRegion(w, u)),
        new("GET", "/api/regions/{code}/stats", Who.NotDepartment, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/regions/{w.Of(o, w.Grid, w.OtherGrid)}/stats"), (w, u, _) => NoRegion(w, u)),
        new("GET", "/api/grids/{code}", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/grids/{w.Of(o, w.Grid, w.OtherGrid)}"), (w, u, _) => NoRegion(w, u)),
        new("GET", "/api/units", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/units?region={w.Of(o, w.Grid, w.OtherGrid)}"), (w, u, _) => NoRegion(w, u)),
        new("GET", "/api/workers", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/workers?region={w.Of(o, w.Grid, w.OtherGrid)}"), (w, u, _) => NoRegion(w, u)),
        new("GET", "/api/workers/{id:long}", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/workers/{(o ? w.OtherWorker : w.Worker)}"), (w, u, _) => NoWorker(w, u)),
        new("GET", "/api/workers/{id:long}/track", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/workers/{(o ? w.OtherWorker : w.Worker)}/track"), (w, u, _) => NoWorker(w, u)),
        new("GET", "/api/workers/{id:long}/patrol", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/workers/{(o ? w.OtherWorker : w.Worker)}/patrol"), (w, u, _) => NoWorker(w, u)),
        new("POST", "/api/positions", Who.SignedIn, OutOfScope.AsUnknownValue,
            (w, o, _) => new("/api/positions", Json(Positions(w.Of(o, w.Device, w.OtherDevice), o ? w.OtherPoint : w.Point))),
            (w, _, _) => new(new Call("/api/positions", Json(Positions("no-such-device", w.OtherPoint))), "", "")),
        new("GET", "/osmand", Who.Anyone, OutOfScope.NotScoped, (_, _, _) => new("/osmand?id=no-such-device&lat=1&lon=1")),
        new("POST", "/osmand", Who.Anyone, OutOfScope.NotScoped, (_, _, _) => new("/osmand?id=no-such-device&lat=1&lon=1")),
        new("POST", "/api/cases", Who.NotAdmin, OutOfScope.AsUnknownValue,
            (w, o, user) => new("/api/cases", Json(Report(w, o, user))),
            (w, _, user) => new(new Call("/api/cases", Json(Report(user, (0, 0)))), $"({0d}, {0d})", $"({w.OtherPoint.Lat}, {w.OtherPoint.Lon})")),
        new("GET", "/api/cases", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/cases?region={w.Of(o, w.Grid, w.OtherGrid)}"), (w, u, _) => NoRegion(w, u)),
        new("GET", "/api/cases/{code}", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/cases/{w.Of(o, w.Case, w.OtherCase)}"), (w, u, _) => NoCase(w, u)),
        new("POST", "/api/cases/{code}/{action}", Who.NotAdmin, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/cases/{w.Of(o, w.Case, w.OtherCase)}/supervise", Json(new { level = "yellow", note = "矩阵" })), (w, u, _) => NoCase(w, u)),
        new("GET", "/api/cases/{code}/calls", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/cases/{w.Of(o, w.Case, w.OtherCase)}/calls"), (w, u, _) => NoCase(w, u)),
        new("POST", "/api/cases/{code}/attachments", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/cases/{w.Of(o, w.Case, w.OtherCase)}/attachments"), (w, u, _) => NoCase(w, u)),
        new("GET", "/api/attachments/{id}", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/attachments/{w.Of(o, w.Attachment, w.OtherAttachment)}"),
            (w, _, _) => new(new Call($"/api/attachments/{new string('0', w.OtherAttachment.Length)}"), new string('0', w.OtherAttachment.Length), w.OtherAttachment)),
        new("GET", "/api/warnings", Who.SignedIn, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/warnings?region={w.Of(o, w.Grid, w.OtherGrid)}"), (w, u, _) => NoRegion(w, u)),
        new("POST", "/api/warnings/{id}/ack", Who.Acknowledgers, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/warnings/{w.Of(o, w.Warning, w.OtherWarning)}/ack"),
            (w, _, _) => new(new Call($"/api/warnings/{w.OtherWarning}x/ack"), w.OtherWarning + "x", w.OtherWarning)),
        new("POST", "/api/warnings/{id}/close", Who.SosClosers, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/warnings/{w.Of(o, w.Warning, w.OtherWarning)}/close", Json(new { note = "矩阵" })),
            (w, _, _) => new(new Call($"/api/warnings/{w.OtherWarning}x/close", Json(new { note = "矩阵" })), w.OtherWarning + "x", w.OtherWarning)),
        new("POST", "/api/orders", Who.Issuers, OutOfScope.AsUnknownValue,
            (w, o, _) => new("/api/orders", Json(OrderTo($"village-{w.Of(o, w.Grid, w.OtherGrid)[..12]}"))),
            (_, _, _) => new(new Call("/api/orders", Json(OrderTo("village-150123999999"))), "", "")),
        new("POST", "/api/orders/attachments", Who.Issuers, OutOfScope.NotScoped, (_, _, _) => new("/api/orders/attachments")),
        new("GET", "/api/orders", Who.NotAdminOrders, OutOfScope.NotScoped, (_, _, _) => new("/api/orders")),
        new("GET", "/api/orders/targets", Who.Issuers, OutOfScope.NotScoped, (_, _, _) => new("/api/orders/targets")),
        new("GET", "/api/orders/{id}", Who.NotAdminOrders, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/orders/{w.Of(o, w.Order, w.OtherOrder)}"), (w, u, _) => NoOrder(w, u)),
        new("GET", "/api/orders/{id}/calls", Who.NotAdminOrders, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/orders/{w.Of(o, w.Order, w.OtherOrder)}/calls"), (w, u, _) => NoOrder(w, u)),
        new("POST", "/api/orders/{id}/sign", Who.NotAdminOrders, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/orders/{w.Of(o, w.Order, w.OtherOrder)}/sign"), (w, u, _) => NoOrder(w, u)),
        new("POST", "/api/orders/{id}/feedback", Who.NotAdminOrders, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/orders/{w.Of(o, w.Order, w.OtherOrder)}/feedback", Json(new { text = "矩阵反馈" })), (w, u, _) => NoOrder(w, u)),
        new("POST", "/api/orders/{id}/photos", Who.NotAdminOrders, OutOfScope.AsMissing,
            (w, o, _) => new($"/api/orders/{w.Of(o, w.Order, w.OtherOrder)}/photos"), (w, u, _) => NoOrder(w, u)),
        new("GET", "/api/dispatch-rules", Who.SignedIn, OutOfScope.NotScoped, (_, _, _) => new("/api/dispatch-rules")),
        new("PUT", "/api/dispatch-rules", Who.Admin, OutOfScope.NotScoped, (_, _, _) => new("/api/dispatch-rules", Empty)),
        new("GET", "/api/categories", Who.SignedIn, OutOfScope.NotScoped, (_, _, _) => new("/api/categories")),
        new("PUT", "/api/categories/{code}", Who.Admin, OutOfScope.NotScoped, (_, _, _) => new("/api/categories/17", Empty)),
        new("GET", "/api/people/{userName}", Who.SignedIn, OutOfScope.AsMissing,
            (_, o, _) => new($"/api/people/town-{(o ? DemoSilo.Shengle : Chengguan)}"),
            (_, _, _) => new(new Call("/api/people/town-150123199"), "town-150123199", $"town-{DemoSilo.Shengle}")),
        new("GET", "/api/video/ice", Who.NotAdmin, OutOfScope.NotScoped, (_, _, _) => new("/api/video/ice")),
        new("GET", "/api/users", Who.Admin, OutOfScope.NotScoped, (_, _, _) => new("/api/users")),
        new("GET", "/api/users/{userName}", Who.Admin, OutOfScope.NotScoped, (_, _, _) => new("/api/users/nobody-here"), MayFindNothing: true),
        new("POST", "/api/users", Who.Admin, OutOfScope.NotScoped, (_, _, _) => new("/api/users", Empty)),
        new("PUT", "/api/users/{userName}", Who.Admin, OutOfScope.NotScoped, (_, _, _) => new("/api/users/nobody-here", Empty), MayFindNothing: true),
        new("POST", "/api/users/{userName}/password", Who.Admin, OutOfScope.NotScoped,
            (_, _, _) => new("/api/users/nobody-here/password", Empty), MayFindNothing: true),
        new("POST", "/api/users/{userName}/lock", Who.Admin, OutOfScope.NotScoped, (_, _, _) => new("/api/users/nobody-here/lock"), MayFindNothing: true),
        new("POST", "/api/users/{userName}/unlock", Who.Admin, OutOfScope.NotScoped, (_, _, _) => new("/api/users/nobody-here/unlock"), MayFindNothing: true),

        // Last: signing the phone out must not end the session the rows above still use.
        new("DELETE", "/api/me/session", Who.SignedIn, OutOfScope.NotScoped, (_, _, _) => new("/api/me/session")),
    ];

    [Fact]
    public void Every_api_route_is_in_the_table()
    {
        var mapped = silo.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw.StartsWith("/osmand", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .ToHashSet();
        var classified = Routes.Select(r => $"{r.Method} {r.Pattern}").ToHashSet();

        Assert.True(mapped.SetEquals(classified),
            $"Routes not in the table: {string.Join(", ", mapped.Except(classified))}; in the table but not mapped: {string.Join(", ", classified.Except(mapped))}");
    }

    [Fact]
    public async Task Every_route_answers_every_role_in_and_out_of_scope_as_the_table_says_and_refusals_change_nothing()
    {
        var world = await WorldAsync();
        var worker = $"worker-{world.Grid}";
        var village = $"village-{world.Grid[..12]}";
        (string? User, Grains.Users.UserRole? Role)[] people =
        [
            ("admin", Grains.Users.UserRole.Admin), ("duty", Grains.Users.UserRole.DutyOfficer), ("leader", Grains.Users.UserRole.Leader),
            ($"town-{Chengguan}", Grains.Users.UserRole.TownshipCenter), (village, Grains.Users.UserRole.Village),
            ($"dept-police-{Chengguan}", Grains.Users.UserRole.Department), (worker, Grains.Users.UserRole.GridWorker), (null, null),
        ];
        var clients = new Dictionary<string, HttpClient>();
        foreach (var (user, _) in people)
        {
            clients[user ?? ""] = user is null ? silo.Anonymous() : await silo.As(user);
        }

        var secrets = await SecretsAsync(world);
        var failures = new List<string>();
        try
        {
            foreach (var route in Routes)
            {
                foreach (var (user, role) in people)
                {
                    foreach (var other in new[] { false, true })
                    {
                        var client = clients[user ?? ""];
                        var call = route.Make(world, other, user ?? "");
                        var expected = Expect(route, role, other);
                        var refusal = expected is not (Answer.Allowed or Answer.Any);
                        var before = refusal ? await SnapshotAsync() : null;
                        using var response = await SendAsync(client, route.Method, call);
                        var body = await response.Content.ReadAsStringAsync();
                        var where = $"{route.Method} {call.Url} as {user ?? "anonymous"} ({(other ? "other township" : "own")}): expected {expected}, got {(int)response.StatusCode} {body}";
                        if ((int)response.StatusCode >= 500 || !Matches(expected, route, response, body))
                        {
                            failures.Add(where);
                            continue;
                        }

                        if (!refusal)
                        {
                            continue;
                        }

                        var readable = Readable(body);
                        if (secrets.FirstOrDefault(s => readable.Contains(s, StringComparison.Ordinal) && !call.Url.Contains(s, StringComparison.Ordinal)) is { } told)
                        {
                            failures.Add($"{where}: the refusal tells \"{told}\"");
                        }

                        if (expected is Answer.AsMissing or Answer.AsUnknownValue)
                        {
                            var missing = route.Absent!(world, call, user ?? "");
                            using var absent = await SendAsync(client, route.Method, missing.Call);
                            var absentBody = await absent.Content.ReadAsStringAsync();
                            if (absent.StatusCode != response.StatusCode || Shape(absentBody, missing.MissingToken, missing.OtherToken) != Shape(body, "", ""))
                            {
                                failures.Add($"{where}: unlike something missing, which answers {(int)absent.StatusCode} {absentBody}");
                            }
                        }

                        var after = await SnapshotAsync();
                        if (before != after)
                        {
                            failures.Add($"{where}: the refusal changed {before} into {after}");
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static Answer Expect(Route route, Grains.Users.UserRole? role, bool other)
    {
        if (route.Who == Who.Anyone)
        {
            return Answer.Any;
        }

        if (role is not { } r)
        {
            return Answer.Unauthorized;
        }

        var permitted = route.Who switch
        {
            Who.SignedIn => true,
            Who.Admin => r == Grains.Users.UserRole.Admin,
            Who.GridWorker => r == Grains.Users.UserRole.GridWorker,
            Who.NotAdmin => r != Grains.Users.UserRole.Admin,
            Who.NotDepartment => r != Grains.Users.UserRole.Department,
            Who.Acknowledgers => r is Grains.Users.UserRole.DutyOfficer or Grains.Users.UserRole.Leader or Grains.Users.UserRole.TownshipCenter or Grains.Users.UserRole.Village,
            Who.SosClosers => r is Grains.Users.UserRole.DutyOfficer or Grains.Users.UserRole.Leader or Grains.Users.UserRole.TownshipCenter,
            Who.Issuers => r is Grains.Users.UserRole.DutyOfficer or Grains.Users.UserRole.Leader or Grains.Users.UserRole.TownshipCenter,
            Who.NotAdminOrders => r != Grains.Users.UserRole.Admin,
            _ => false,
        };
        if (!permitted)
        {
            return Answer.RoleRefused;
        }

        // The county's people (and the admin) see every township; everyone else is confined to 城关镇.
        var countyWide = r is Grains.Users.UserRole.Admin or Grains.Users.UserRole.DutyOfficer or Grains.Users.UserRole.Leader;
        return !other || countyWide ? Answer.Allowed : route.Scope switch
        {
            OutOfScope.AsMissing => Answer.AsMissing,
            OutOfScope.AsUnknownValue => Answer.AsUnknownValue,
            _ => Answer.Allowed,
        };
    }

    private static bool Matches(Answer expected, Route route, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
        return expected switch
        {
            Answer.Any => true,
            Answer.Unauthorized => status == 401 && problem,
            Answer.RoleRefused => status == 403 && problem,
            Answer.AsMissing => status == 404 && problem,
            Answer.AsUnknownValue => status == 400 && problem,

            // Allowed: the request got past the role and the scope to the route's own decisions (a case action may still be
            // refused for what the user may do to this case, which names no place: "无权进行此操作").
            _ => status is not (401 or 404 or 403) || (status == 404 && route.MayFindNothing) || (status == 403 && Title(body) == "无权进行此操作"),
        };
    }

    private static string? Title(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("title", out var title) ? title.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A problem as a user reads it, with the one token swapped.</summary>
    private static string Shape(string body, string from, string to) =>
        from.Length == 0 ? Refusals.Text(body) : Refusals.Text(body).Replace(from, to, StringComparison.Ordinal);

    private static string Readable(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return string.Join("\n", Refusals.Strings(json.RootElement));
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, Call call)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), call.Url) { Content = call.Body?.Invoke() };
        return await client.SendAsync(request);
    }

    /// <summary>What a refusal must leave as it was: cases, history, warnings and their acknowledgements, attachments, positions, users, rules, the audit log.</summary>
    /// <summary>Every row of the tables people change through the API, as a checksum per table (a refusal may neither add nor change a row).</summary>
    private async Task<string> SnapshotAsync()
    {
        var database = silo.Factory.Services.GetRequiredService<Database>();
        var parts = new List<string>();
        foreach (var table in new[] { "cases", "case_events", "warnings", "attachments", "users", "dispatch_rules", "category_settings", "orders", "order_events", "calls", "audit_log" })
        {
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            var rows = 0;
            await database.QueryAsync(new SqlStatement($"SELECT * FROM {table} ORDER BY 1"), r =>
            {
                rows++;
                BadInput.DevelopmentSilo.AppendRow(hash, r);
            });
            parts.Add($"{table} {rows} {Convert.ToHexString(hash.GetHashAndReset())[..12]}");
        }

        await database.QueryAsync(new SqlStatement("SELECT count(*) FROM positions"), r => parts.Add($"positions {r.GetValue(0)}"));
        return string.Join("/", parts);
    }

    /// <summary>What no refusal may tell: the names and codes of the places, the cases' titles and every state a case can be in.</summary>
    private async Task<List<string>> SecretsAsync(World world)
    {
        var directory = silo.Factory.Services.GetRequiredService<RegionDirectory>();
        using var duty = await silo.As("duty");
        var titles = new List<string>();
        foreach (var code in new[] { world.Case, world.OtherCase })
        {
            titles.Add((await DemoSilo.Json(await duty.GetAsync($"/api/cases/{code}"))).GetProperty("title").GetString()!);
        }

        return
        [
            directory.FindRegion(world.Grid)!.Name, directory.FindRegion(world.OtherGrid)!.Name, directory.FindRegion(world.Grid[..12])!.Name,
            directory.FindRegion(world.OtherGrid[..12])!.Name, "城关", "盛乐", world.Grid, world.OtherGrid, world.Grid[..12], world.OtherGrid[..12],
            DemoSilo.Shengle, .. titles, .. Enum.GetValues<CaseStatus>().Select(s => s.ToChinese()),
        ];
    }

    private async Task<World> WorldAsync()
    {
        var directory = silo.Factory.Services.GetRequiredService<RegionDirectory>();
        var grid = (await silo.WorkerIn(Chengguan)).GridCode;
        var other = await silo.WorkerIn(DemoSilo.Shengle);
        var point = directory.PointInside(grid)!.Value;
        var otherPoint = directory.PointInside(other.GridCode)!.Value;
        using var duty = await silo.As("duty");
        using var admin = await silo.As("admin");
        using var worker = await silo.As($"worker-{grid}");

        // A police matter of high urgency: sent to 城关派出所 (so the department sees the own one), with a red-risk warning.
        async Task<(string Code, string Warning, string Attachment)> CaseAt(string gridCode, (double Lat, double Lon) at, string title)
        {
            var created = await duty.PostAsJsonAsync("/api/cases", new { channel = "walk_in", category = "14", urgency = "high", title, description = "矩阵", lat = at.Lat, lon = at.Lon });
            var code = (await DemoSilo.Json(created)).GetProperty("code").GetString()!;
            var warnings = await DemoSilo.Json(await duty.GetAsync($"/api/warnings?region={gridCode}&pageSize=1000"));
            var warning = warnings.GetProperty("items").EnumerateArray().First(w => w.GetProperty("caseCode").GetString() == code).GetProperty("id").GetString()!;
            var attachment = await DemoSilo.Json(await AttachmentsApiTests.Upload(duty, code, AttachmentsApiTests.Png, "现场.png", "image/png"));
            return (code, warning, attachment.GetProperty("id").GetString()!);
        }

        var own = await CaseAt(grid, point, "矩阵甲案");
        var elsewhere = await CaseAt(other.GridCode, otherPoint, "矩阵乙案");
        var me = await DemoSilo.Json(await worker.GetAsync("/api/me"));
        var workerId = me.GetProperty("workerId").GetInt64();
        var device = (await DemoSilo.Json(await admin.GetAsync($"/api/workers/{workerId}"))).GetProperty("deviceId").GetString()!;

        // An order to every desk of 城关镇 in the table (so each of them is a receiver), and one to 盛乐镇's.
        async Task<string> OrderTo(string township, string gridCode, long worker)
        {
            string[] targets = [$"center-{township}", $"village-{gridCode[..12]}", $"dept-{township}-police", $"worker-{worker}"];
            var issued = await duty.PostAsJsonAsync("/api/orders", new { targets, text = "矩阵：立即排查" });
            return (await DemoSilo.Json(issued)).GetProperty("id").GetString()!;
        }

        return new World(
            grid, other.GridCode, point, otherPoint, own.Code, elsewhere.Code, workerId, other.Id, device, other.DeviceId,
            own.Warning, elsewhere.Warning, own.Attachment, elsewhere.Attachment,
            await OrderTo(Chengguan, grid, workerId), await OrderTo(DemoSilo.Shengle, other.GridCode, other.Id));
    }
}
