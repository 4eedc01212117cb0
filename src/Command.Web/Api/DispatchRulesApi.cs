using System.Security.Claims;
using Command.Grains.Cases;
using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Command.Web.Api;

/// <summary>A rule as the admin page shows it: the codes it is stored with and what users read for each.</summary>
public sealed record DispatchRuleView(
    long Id, string Name, string Region, string RegionName, string Category, string CategoryName, string Urgency, string UrgencyName,
    string Target, string TargetName, IReadOnlyList<string> Copies, IReadOnlyList<string> CopyNames);

/// <summary>A rule as the admin sends it. Region, category and urgency ("low" | "medium" | "high") are empty (or absent) for "any".</summary>
public sealed record DispatchRuleInput(long Id, string? Name, string? Region, string? Category, string? Urgency, string? Target, IReadOnlyList<string>? Copies);

/// <summary>GET /api/dispatch-rules (anyone signed in) and PUT /api/dispatch-rules (the admin replaces the whole table).</summary>
public static class DispatchRulesApi
{
    private const int MaxRules = 500;
    private const int MaxName = 100;
    private const int MaxCode = 64;
    private const int MaxCopies = 20;

    /// <summary>The largest rule table body: 500 rules of the longest names and codes fit.</summary>
    public const int MaxTableBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapDispatchRulesApi(this IEndpointRouteBuilder api)
    {
        var rules = api.MapGroup("/dispatch-rules").WithTags("dispatch-rules");
        rules.MapGet("/", List).WithSummary("The auto-dispatch rules (自动派单规则), by id, with Chinese names of regions, categories and targets.");
        rules.MapPut("/", ReplaceAsync)
            .RequireAuthorization(AuthExtensions.AdminPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxTableBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Replaces the whole rule table (admin only); 400 with the reason in Chinese when a rule is invalid, 409 when If-Match (the ETag of the GET the edit started from) is no longer current; then nothing changes.");
        return api;
    }

    private static async Task<Results<Ok<List<DispatchRuleView>>, ProblemHttpResult>> List(
        DispatchRules rules, RegionDirectory directory, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!rules.IsLoaded)
        {
            return NotLoaded();
        }

        await rules.RefreshAsync(cancellationToken);
        // The version first: a table replaced in between makes the save refused, never a newer table overwritten.
        var version = rules.Version;
        var all = rules.All;
        response.Headers.ETag = ETagOf(version);
        return TypedResults.Ok(View(all, directory));
    }

    /// <summary>The table's version as an entity tag: a save sends it back in If-Match, so it cannot overwrite a newer table.</summary>
    private static string ETagOf(long version) => $"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";

    private static async Task<Results<Ok<List<DispatchRuleView>>, ProblemHttpResult>> ReplaceAsync(
        List<DispatchRuleInput?>? body, ClaimsPrincipal user, DispatchRules rules, RegionDirectory directory, HttpRequest request, HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (user.Role() != UserRole.Admin)
        {
            return Problems.Forbidden("只有管理员可以修改自动派单规则");
        }

        if (!rules.IsLoaded)
        {
            return NotLoaded();
        }

        if (body is null)
        {
            return Problems.BadRequest("请求体应为完整的规则列表（JSON 数组）");
        }

        if (body.Count > MaxRules)
        {
            return Problems.BadRequest($"规则不能超过 {MaxRules} 条");
        }

        long? expected = null;
        var ifMatch = request.Headers.IfMatch.ToString();
        if (ifMatch.Length > 0)
        {
            if (!long.TryParse(ifMatch.Trim().Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
            {
                return Problems.BadRequest("If-Match 应为读取规则表时得到的 ETag");
            }

            expected = version;
        }

        var parsed = new List<DispatchRule>(body.Count);
        var errors = new List<string>();
        foreach (var input in body)
        {
            if (input is null)
            {
                errors.Add("规则列表中有空项");
                continue;
            }

            // The name is written into every case the rule dispatches: one line, and short.
            if (!TextRules.IsLine(input.Name, MaxName) || !TextRules.AllLines(MaxCode, [input.Region, input.Category, input.Urgency, input.Target, .. input.Copies ?? []])
                || input.Copies is { Count: > MaxCopies })
            {
                errors.Add($"规则 {input.Id}：名称须为一行、不超过 {MaxName} 个字，地区、类别、紧急程度与派往单位各不超过 {MaxCode} 个字符，抄送不超过 {MaxCopies} 个，均不能包含控制字符");
                continue;
            }

            Urgency? urgency = null;
            if (!string.IsNullOrEmpty(input.Urgency))
            {
                if (CaseNames.TryParseUrgency(input.Urgency, out var parsedUrgency))
                {
                    urgency = parsedUrgency;
                }
                else
                {
                    errors.Add($"规则 {input.Id}「{input.Name}」：紧急程度 \"{input.Urgency}\" 未知（应为 low、medium 或 high，留空表示全部）");
                }
            }

            parsed.Add(new DispatchRule(
                input.Id, input.Name ?? string.Empty, input.Region ?? string.Empty, input.Category ?? string.Empty, urgency, input.Target ?? string.Empty,
                input.Copies ?? []));
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest(string.Join("；", errors.Take(20)));
        }

        try
        {
            var saved = await rules.ReplaceAsync(parsed, user.UserName(), expected, cancellationToken);
            response.Headers.ETag = ETagOf(rules.Version);
            return TypedResults.Ok(View(saved, directory));
        }
        catch (DispatchRuleException e)
        {
            return Problems.BadRequest(e.Message);
        }
        catch (DispatchRulesStaleException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "规则表已被他人修改");
        }
    }

    private static List<DispatchRuleView> View(IEnumerable<DispatchRule> rules, RegionDirectory directory) =>
    [
        .. rules.Select(r => new DispatchRuleView(
            r.Id,
            r.Name,
            r.Region,
            r.Region.Length == 0 ? "全部地区" : directory.FindRegion(r.Region)?.Name ?? r.Region,
            r.Category,
            r.Category.Length == 0 ? "全部类别" : CaseCategories.Find(r.Category)?.Name ?? r.Category,
            r.Urgency?.Wire() ?? string.Empty,
            r.Urgency?.ToChinese() ?? "不限",
            r.Target,
            DispatchTargets.DisplayName(r.Target),
            r.Copies,
            [.. r.Copies.Select(DispatchTargets.DisplayName)])),
    ];

    private static ProblemHttpResult NotLoaded() => Problems.Unavailable("自动派单规则尚未加载，请稍后重试");
}
