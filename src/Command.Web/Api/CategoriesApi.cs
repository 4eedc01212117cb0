using System.Globalization;
using System.Security.Claims;
using Command.Grains.Cases;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Orleans;

namespace Command.Web.Api;

/// <summary>
/// A category (事件类别) as forms show it, by name: whether it is a police matter and a mediated dispute, the complexity
/// and the handling limit a new case gets (working time), and whether the admin changed them from the defaults.
/// </summary>
public sealed record CategoryView(
    string Code, string Name, bool Police, bool Dispute, Complexity Complexity, string ComplexityName, TimeSpan Limit, string LimitName,
    bool Custom, Complexity DefaultComplexity, TimeSpan DefaultLimit)
{
    public static List<CategoryView> All(IReadOnlyList<CategorySetting> settings, CaseOptions options) =>
    [
        .. CaseCategories.All.Select(c =>
        {
            var setting = settings.FirstOrDefault(s => s.Code == c.Code);
            var complexity = setting?.Complexity ?? c.Complexity;
            var limit = setting?.Limit ?? options.HandlingLimit(c.Code, complexity);
            return new CategoryView(
                c.Code, c.Name, c.Police, c.Dispute, complexity, NameOf(complexity), limit, Describe(limit),
                setting is { Complexity: not null } or { Limit: not null }, c.Complexity, options.HandlingLimit(c.Code, c.Complexity));
        }),
    ];

    public static string NameOf(Complexity complexity) => complexity switch
    {
        Complexity.Simple => "简易",
        Complexity.General => "一般",
        _ => "复杂",
    };

    public static string Describe(TimeSpan limit) =>
        limit.TotalDays >= 1 && limit.Ticks % TimeSpan.TicksPerDay == 0 ? $"{limit.TotalDays.ToString("0", CultureInfo.InvariantCulture)} 天"
        : limit.TotalHours >= 1 ? $"{limit.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} 小时"
        : $"{limit.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} 分钟";

    /// <summary>Reads a complexity by its wire name (simple, general, complex); null for an empty one.</summary>
    public static bool TryParseComplexity(string? text, out Complexity? complexity)
    {
        complexity = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (Enum.TryParse<Complexity>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !text.All(char.IsAsciiDigit))
        {
            complexity = parsed;
            return true;
        }

        return false;
    }
}

/// <summary>A category's new setting: complexity (simple | general | complex) and handling limit in days; null or absent restores the default.</summary>
public sealed record CategoryInput(string? Complexity, double? LimitDays);

/// <summary>GET /api/categories (everyone signed in: forms pick categories by name) and PUT /api/categories/{code} (the admin).</summary>
public static class CategoriesApi
{
    public static IEndpointRouteBuilder MapCategoriesApi(this IEndpointRouteBuilder api)
    {
        var categories = api.MapGroup("/categories").WithTags("categories");
        categories.MapGet("/", ListAsync).Produces<List<CategoryView>>().WithSummary("Every case category by code, with its Chinese name, complexity and the handling limit new cases get.");
        categories.MapPut("/{code}", SetAsync)
            .RequireAuthorization(AuthExtensions.AdminPolicy)
            .Accepts<CategoryInput>("application/json")
            .Produces<CategoryView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Sets a category's complexity and handling limit for new cases (admin only); null restores the default. Open cases keep theirs.");
        return api;
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains, IOptions<CaseOptions> options) =>
        TypedResults.Ok(CategoryView.All(await grains.GetGrain<ICategorySettingsGrain>(ICategorySettingsGrain.Key).GetAsync(), options.Value));

    private static async Task<IResult> SetAsync(string code, HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, IOptions<CaseOptions> options)
    {
        if (CaseCategories.Find(code) is null)
        {
            return Problems.NotFound($"类别 {code} 不存在");
        }

        var (input, problem) = await JsonBody.ReadAsync<CategoryInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (!CategoryView.TryParseComplexity(input!.Complexity, out var complexity))
        {
            return Problems.BadRequest($"复杂程度 \"{input.Complexity}\" 未知（应为 simple 简易、general 一般或 complex 复杂，留空表示默认）");
        }

        if (input.LimitDays is { } days && (!double.IsFinite(days) || days <= 0 || days > CategorySetting.MaxLimit.TotalDays))
        {
            return Problems.BadRequest($"办理时限应大于 0 且不超过 {CategorySetting.MaxLimit.TotalDays:0} 天");
        }

        var setting = new CategorySetting(code, complexity, input.LimitDays is { } d ? TimeSpan.FromMinutes(Math.Round(d * 24 * 60)) : null);
        if (setting.Problem() is { } refused)
        {
            return Problems.BadRequest(refused);
        }

        var saved = await grains.GetGrain<ICategorySettingsGrain>(ICategorySettingsGrain.Key).SetAsync(setting, user.UserName());
        return TypedResults.Ok(CategoryView.All(saved, options.Value).Single(c => c.Code == code));
    }
}
