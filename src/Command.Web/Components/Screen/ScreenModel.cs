using System.Security.Claims;
using System.Text.Json;
using Command.Grains.Regions;
using Command.Grains.Users;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Web.Auth;
using Command.Web.Live;

namespace Command.Web.Components.Screen;

/// <summary>Who is looking at the screen: the unit and scope decide which case actions its cards offer (the server decides for good).</summary>
public sealed record ScreenUser(string Name, string DisplayName, string Role, string RoleName, bool CanAck, string UnitId, string Scope);

/// <summary>
/// What the page renders on the server (so the title, the region list and the counts are there before any script runs)
/// and hands to <c>screen.js</c> as its JSON configuration.
/// </summary>
public sealed record ScreenModel(
    ScreenUser User,
    string Home,
    string Watch,
    ScopeView Scope,
    IReadOnlyList<ScopeView> Path,
    IReadOnlyList<ScopeView> Children,
    IReadOnlyList<CountersItem> Counters,
    ScopeView? County,
    string TileUrl,
    long ServerTime)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// "和林格尔县综治中心指挥调度平台"; below the county the county's name comes first ("和林格尔县城关镇…"). A village or
    /// community has no 综治中心 of its own (DOMAIN.md): "和林格尔县水磨村指挥调度平台".
    /// </summary>
    public string Title => TitleOf(Scope, County);

    /// <summary>The title's font size in px: 36, smaller for a long name so it stays on its plate (regions.js has the same rule).</summary>
    public int TitleSize => Math.Min(36, (800 / Title.Length) - 5);

    public CountersItem Totals => Counters.FirstOrDefault(c => c.Code == Scope.Code) ?? CountersItem.Of(Scope.Code, default, 0);

    public CountersItem? CountersOf(string code) => Counters.FirstOrDefault(c => c.Code == code);

    public string ConfigJson() => JsonSerializer.Serialize(this, Json);

    public static string TitleOf(ScopeView scope, ScopeView? county)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var prefix = county is not null && scope.Code.Length > county.Code.Length ? county.Name : string.Empty;
        var centre = scope.Level is "Village" or "Grid" ? string.Empty : "综治中心";
        return $"{prefix}{scope.Name}{centre}指挥调度平台";
    }

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
        var counters = new List<CountersItem> { CountersItem.Of(shown.Code, own, 0) };
        counters.AddRange(shown.Children.Select(c => CountersItem.Of(c.Code, children.GetValueOrDefault(c.Code), 0)));

        var profile = user.Profile();
        var canAck = Live.ScopeCheck.CanAcknowledge(profile.Role);
        return new ScreenModel(
            new ScreenUser(profile.UserName, profile.DisplayName, profile.Role.ToString(), profile.Role.ToChinese(), canAck, profile.UnitId, profile.Scope),
            home.Code,
            requested is { Length: <= 32 } ? requested : shown.Code,
            ScopeView.Of(shown),
            Live.ScopeCheck.PathTo(shown, user, directory),
            [.. shown.Children.Select(ScopeView.Of)],
            counters,
            directory.CountyOf(shown.Code) is { } county ? ScopeView.Of(county) : null,
            tileUrl,
            time.GetUtcNow().ToUnixTimeMilliseconds());
    }
}
