using Command.Grains.Dispatch;
using Command.Grains.Regions;
using Command.Grains.Units;
using Command.Grains.Users;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Grains.Cases;

/// <summary>
/// Takes a new case from any channel: finds its grid, village, township and county (point-in-polygon, or the region
/// code given), checks the reporter may register it there, picks the auto-dispatch rule, gives it its code and opens it.
/// </summary>
public sealed class CaseIntakeService(RegionDirectory directory, DispatchRules rules, IGrainFactory grains)
{
    public async Task<CaseView> SubmitAsync(CaseIntake intake, UserProfile actor)
    {
        var (code, opening) = await PrepareAsync(intake, actor);
        return await grains.GetGrain<ICaseGrain>(code).OpenAsync(opening);
    }

    /// <summary>
    /// Checks the intake and plans its case: the code (a new one, or <paramref name="code"/> when one was already given to
    /// this report) and what the case grain opens with. Opens nothing; a refusal throws <see cref="CaseRefusedException"/>.
    /// </summary>
    public async Task<(string Code, CaseOpening Opening)> PrepareAsync(CaseIntake intake, UserProfile actor, string? code = null)
    {
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentNullException.ThrowIfNull(actor);
        if (CaseCategories.Find(intake.Category) is null)
        {
            throw Refuse(RefusalKind.Invalid, $"未知的类别 {intake.Category}（可用：{string.Join("、", CaseCategories.All.Select(c => $"{c.Code} {c.Name}"))}）");
        }

        if (actor.Role == UserRole.Admin)
        {
            throw Refuse(RefusalKind.Forbidden, "管理员不受理案件");
        }

        if ((intake.Channel == CaseChannel.Grid) != (actor.Role == UserRole.GridWorker))
        {
            throw Refuse(RefusalKind.Invalid, actor.Role == UserRole.GridWorker ? "网格员上报的来源应为 grid" : "来源 grid（网格员上报）只能由网格员提交");
        }

        var location = Locate(intake, ReportingScope(actor));
        await rules.RefreshAsync();
        var plan = rules.Plan(location, intake.Category, intake.Urgency);
        var settings = await grains.GetGrain<ICategorySettingsGrain>(ICategorySettingsGrain.Key).GetAsync();
        var category = settings.FirstOrDefault(s => s.Code == intake.Category);
        code ??= await grains.GetGrain<ICaseNumberGrain>(location.CountyCode).NextAsync();
        return (code, new CaseOpening(intake, location, plan, HolderFor(actor, location), actor, category));
    }

    /// <summary>
    /// Where a user may report: their scope; for a grid worker, their whole village (they walk the neighbouring grids too),
    /// the case going wherever its location routes it.
    /// </summary>
    public static string ReportingScope(UserProfile actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.Role == UserRole.GridWorker && RegionCode.LevelOf(actor.Scope) == RegionLevel.Grid
            ? RegionCode.AncestorAt(actor.Scope, RegionLevel.Village)
            : actor.Scope;
    }

    /// <summary>
    /// The case's place. A point or region outside where the user may report is refused exactly as a point outside every
    /// grid or an unknown region: the answer says nothing about what lies there.
    /// </summary>
    private CaseLocation Locate(CaseIntake intake, string scope)
    {
        if (intake.Lat is { } lat && intake.Lon is { } lon)
        {
            if (directory.LocateGrid(lat, lon) is not { } grid || !RegionCode.IsWithin(grid.Code, scope))
            {
                throw Refuse(RefusalKind.Invalid, $"位置 ({lat}, {lon}) 不在您可上报的任何网格内，请核对坐标或改填区划代码");
            }

            if (intake.RegionCode is { } given && !RegionCode.IsWithin(grid.Code, given))
            {
                throw Refuse(RefusalKind.Invalid, $"位置落在网格 {grid.Code}，不在所填区划 {given} 内");
            }

            return CaseLocation.Of(grid.Code, lat, lon);
        }

        if (intake.RegionCode is not { } code || directory.FindRegion(code) is not { Level: >= RegionLevel.County } region || !RegionCode.IsWithin(code, scope))
        {
            throw Refuse(RefusalKind.Invalid, intake.RegionCode is null ? "请提供位置（lat、lon）或区划代码 regionCode" : $"未知的区划代码 {intake.RegionCode}（须为您可上报范围内的县级及以下区划）");
        }

        return CaseLocation.Of(region.Code);
    }

    /// <summary>The center that dispatches a case no rule matched: the reporter's own center, else the nearest above the case.</summary>
    private static string HolderFor(UserProfile actor, CaseLocation location) => actor.Role switch
    {
        UserRole.TownshipCenter => actor.UnitId,
        UserRole.Village or UserRole.GridWorker when location.TownshipCode is { } township => UnitPlan.CenterId(township),
        _ => UnitPlan.CenterId(location.CountyCode),
    };

    private static CaseRefusedException Refuse(RefusalKind kind, string reason) => new(string.Empty, null, CaseAction.Accept, kind, reason);
}
