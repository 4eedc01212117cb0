using System.Globalization;
using System.Security.Claims;
using Command.Grains;
using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Command.Web.Api;

public sealed record LevelShareView(string Level, string LevelName, int Resolved, double? Share);

/// <summary>
/// A region's case figures over China dates [From, To], both inclusive; <see cref="Period"/> is today, week, month or year when
/// the range is one of those, null for dates given. Property names are stable English; <see cref="Labels"/> gives the Chinese
/// a screen shows for each figure and bucket.
/// </summary>
public sealed record StatsView(
    RegionRef Region,
    DateOnly From,
    DateOnly To,
    string? Period,
    string PeriodName,
    int Accepted,
    int Resolved,
    double? ResolutionRate,
    int Completed,
    double? CompletionRate,
    OverdueBuckets Overdue,
    int Revisited,
    int Satisfied,
    double? SatisfactionRate,
    IReadOnlyList<LevelShareView> ByLevel,
    IReadOnlyList<CategoryStats> ByCategory,
    IReadOnlyList<RegionStats> ByRegion,
    IReadOnlyDictionary<string, string> Labels);

/// <summary>GET /api/regions/{code}/stats: 受理量, 化解率, 办结率, 超期, 满意率 and their splits, for a period.</summary>
public static class StatsApi
{
    private static readonly DateOnly Earliest = new(2000, 1, 1);
    private static readonly DateOnly Latest = new(2099, 12, 31);

    private static readonly Dictionary<string, string> PeriodNames = new(StringComparer.Ordinal)
    {
        ["today"] = "今日",
        ["week"] = "本周",
        ["month"] = "本月",
        ["year"] = "本年",
    };

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["accepted"] = "受理量",
        ["resolved"] = "化解量",
        ["resolutionRate"] = "化解率",
        ["completed"] = "办结量",
        ["completionRate"] = "办结率",
        ["overdue"] = "超期情况",
        ["normalOpen"] = "正常办理中",
        ["overdueOpen"] = "超期办理中",
        ["normalClosed"] = "正常办结",
        ["overdueClosed"] = "超期办结",
        ["revisited"] = "回访量",
        ["satisfied"] = "满意及基本满意",
        ["satisfactionRate"] = "满意率",
        ["byLevel"] = "各级化解占比",
        ["byCategory"] = "分类统计",
        ["byRegion"] = "分区域统计",
    };

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/regions/{code}/stats", GetAsync).WithTags("stats")
            .Produces<StatsView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Case figures of a region: from/to are China dates (yyyy-MM-dd, inclusive; default this month so far), or period=today|week|month|year.");
        return api;
    }

    private static async Task<IResult> GetAsync(
        string code, ClaimsPrincipal user, RegionDirectory directory, CaseStatistics statistics, TimeProvider time,
        string? from = null, string? to = null, string? period = null, CancellationToken cancellationToken = default)
    {
        // The role first: its refusal says nothing about the region asked for.
        if (user.Role() == Grains.Users.UserRole.Department)
        {
            return Problems.Forbidden("职能部门只能查看交办给本部门的案件，不能查看区域统计");
        }

        if (RegionsApi.Find(code, user, directory, out var problem) is not { } region)
        {
            return problem!;
        }

        if (Range(ChinaDate.Of(time.GetUtcNow()), from, to, period, out problem) is not { } range)
        {
            return problem!;
        }

        var stats = await statistics.ComputeAsync(region.Code, ChinaDate.StartOf(range.From), ChinaDate.StartOf(range.To.AddDays(1)), cancellationToken);
        return TypedResults.Ok(new StatsView(
            new RegionRef(region.Code, region.Name), range.From, range.To, range.Period, range.Period is { } p ? PeriodNames[p] : "自定义",
            stats.Accepted, stats.Resolved, stats.ResolutionRate, stats.Completed, stats.CompletionRate, stats.Overdue,
            stats.Revisited, stats.Satisfied, stats.SatisfactionRate,
            [.. stats.ByLevel.Select(l => new LevelShareView(l.Level.ToString(), CaseNames.LevelName(l.Level), l.Resolved, l.Share))],
            stats.ByCategory, stats.ByRegion, Labels));
    }

    /// <summary>The inclusive China dates asked for, and the period they are (null for dates given), or the 400 to answer.</summary>
    private static (DateOnly From, DateOnly To, string? Period)? Range(DateOnly today, string? from, string? to, string? period, out IResult? problem)
    {
        problem = null;
        (from, to, period) = (Given(from), Given(to), Given(period));
        if (period is not null)
        {
            if (from is not null || to is not null)
            {
                problem = Problems.BadRequest("period 与 from/to 不能同时使用");
                return null;
            }

            var key = period.ToLowerInvariant();
            if (!PeriodNames.ContainsKey(key))
            {
                problem = Problems.BadRequest("period 只能是 today（今日）、week（本周）、month（本月）或 year（本年）");
                return null;
            }

            var start = key switch
            {
                "today" => today,
                "week" => today.AddDays(-(((int)today.DayOfWeek + 6) % 7)), // weeks start on Monday
                "month" => new DateOnly(today.Year, today.Month, 1),
                _ => new DateOnly(today.Year, 1, 1),
            };
            return (start, today, key);
        }

        if (!TryParse(to, today, out var end) || !TryParse(from, new DateOnly(end.Year, end.Month, 1), out var begin))
        {
            problem = Problems.BadRequest("日期格式错误：from 和 to 应为 yyyy-MM-dd，如 2024-03-01");
            return null;
        }

        if (begin < Earliest || end > Latest)
        {
            problem = Problems.BadRequest("日期须在 2000-01-01 至 2099-12-31 之间");
        }
        else if (begin > end)
        {
            problem = Problems.BadRequest($"开始日期 {begin:yyyy-MM-dd} 晚于结束日期 {end:yyyy-MM-dd}");
        }
        else if (end >= begin.AddYears(10))
        {
            problem = Problems.BadRequest("统计时间跨度不能超过 10 年");
        }

        return problem is null ? (begin, end, from is null && to is null ? "month" : null) : null;
    }

    private static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static bool TryParse(string? text, DateOnly fallback, out DateOnly date)
    {
        date = fallback;
        return text is null || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }
}
