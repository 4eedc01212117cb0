using System.Security.Claims;
using System.Text.Json;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Runtime;
using Command.Web.Auth;

namespace Command.Web.Components.Screen;

/// <summary>A region as the screen names it (the shape of the hub's snapshot: scope, path and children).</summary>
public sealed record ScreenRegion(string Code, string Name, string Level, string LevelName, bool Synthetic)
{
    public static ScreenRegion Of(RegionInfo r) => new(r.Code, r.Name, r.Level.ToString(), RegionCode.LevelName(r.Level), r.Synthetic);
}

/// <summary>A region's live counters in the hub's shape; <c>v</c> 0 so anything live replaces them.</summary>
public sealed record ScreenCounters(
    string Code, int Grids, int Workers, int Online, int Patrolling, int Open, int Overdue, int Warnings, int AcceptedToday, int ResolvedToday, long V)
{
    public static ScreenCounters Of(string code, RegionCounters c) =>
        new(code, c.Grids, c.Workers, c.Online, c.Patrolling, c.Open, c.Overdue, c.Warnings, c.AcceptedToday, c.ResolvedToday, 0);
}

/// <summary>Who is looking at the screen.</summary>
public sealed record ScreenUser(string Name, string DisplayName, string Role, string RoleName, bool CanAck);

/// <summary>
/// What the page renders on the server (so the title, the region list and the counts are there before any script runs)
/// and hands to <c>screen.js</c> as its JSON configuration.
/// </summary>
public sealed record ScreenModel(
    ScreenUser User,
    string Home,
    string Watch,
    ScreenRegion Scope,
    IReadOnlyList<ScreenRegion> Path,
    IReadOnlyList<ScreenRegion> Children,
    IReadOnlyList<ScreenCounters> Counters,
    ScreenRegion? County,
    string TileUrl,
    long ServerTime)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>"和林格尔县综治中心指挥调度平台"; below the county the county's name comes first ("和林格尔县城关镇…").</summary>
    public string Title => TitleOf(Scope, County);

    /// <summary>The title's font size in px: 36, smaller for a long name so it stays on its plate (regions.js has the same rule).</summary>
    public int TitleSize => Math.Min(36, (800 / Title.Length) - 5);

    public ScreenCounters Totals => Counters.FirstOrDefault(c => c.Code == Scope.Code) ?? ScreenCounters.Of(Scope.Code, default);

    public ScreenCounters? CountersOf(string code) => Counters.FirstOrDefault(c => c.Code == code);

    public string ConfigJson() => JsonSerializer.Serialize(this, Json);

    public static string TitleOf(ScreenRegion scope, ScreenRegion? county)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var prefix = county is not null && scope.Code.Length > county.Code.Length ? county.Name : string.Empty;
        return $"{prefix}{scope.Name}综治中心指挥调度平台";
    }

    /// <summary>Roles with a big screen (the hub's rule): departments and grid workers have none.</summary>
    public static bool HasScreen(UserRole role) => Live.DashboardHub.HasScreen(role);

    /// <summary>
    /// The model for a user and an optional <c>?scope=</c>. A scope the user may not see (or that does not exist) is not
    /// rendered: the page shows the user's own region and asks the hub for the requested one, which answers why not.
    /// </summary>
    public static async Task<ScreenModel?> BuildAsync(
        ClaimsPrincipal user, string? requested, RegionDirectory directory, IGrainFactory grains, string tileUrl, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(grains);
        var home = Api.RegionsApi.Tops(user, directory).FirstOrDefault(r => r.Level != RegionLevel.Grid);
        if (home is null)
        {
            return null;
        }

        requested = string.IsNullOrWhiteSpace(requested) ? null : requested.Trim();
        // The hub's own check: a region it would refuse is not rendered either (the hub then says why).
        var shown = requested is not null && Live.ScopeCheck.Refusal(user, requested, directory) is null
            && directory.FindRegion(requested) is { } found ? found : home;

        var grain = grains.GetGrain<IRegionGrain>(shown.Code);
        var own = await grain.GetCountersAsync();
        var children = await grain.GetChildrenAsync();
        var counters = new List<ScreenCounters> { ScreenCounters.Of(shown.Code, own) };
        counters.AddRange(shown.Children.Select(c => ScreenCounters.Of(c.Code, children.GetValueOrDefault(c.Code))));

        var profile = user.Profile();
        var canAck = profile.Role is UserRole.DutyOfficer or UserRole.Leader or UserRole.TownshipCenter or UserRole.Village;
        return new ScreenModel(
            new ScreenUser(profile.UserName, profile.DisplayName, profile.Role.ToString(), profile.Role.ToChinese(), canAck),
            home.Code,
            requested is { Length: <= 32 } ? requested : shown.Code,
            ScreenRegion.Of(shown),
            PathTo(shown, user, directory),
            [.. shown.Children.Select(ScreenRegion.Of)],
            counters,
            directory.CountyOf(shown.Code) is { } county ? ScreenRegion.Of(county) : null,
            tileUrl,
            time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>The breadcrumb: from the highest region the user may see down to <paramref name="region"/>.</summary>
    private static List<ScreenRegion> PathTo(RegionInfo region, ClaimsPrincipal user, RegionDirectory directory)
    {
        var path = new List<ScreenRegion> { ScreenRegion.Of(region) };
        for (var r = region; r.ParentCode is { } p && user.CanSee(p) && directory.FindRegion(p) is { } parent; r = parent)
        {
            path.Insert(0, ScreenRegion.Of(parent));
        }

        return path;
    }
}
