using System.Security.Claims;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Web.Auth;
using Command.Web.Live;

namespace Command.Web.Components.Console;

/// <summary>Who sits at a console: their profile, whose inbox they see, and what their desk is called.</summary>
public sealed record ConsoleUser(ClaimsPrincipal Principal, UserProfile Profile, string? Unit, string UnitName, bool HasScreen)
{
    /// <summary>Roles whose work is at a console (工作台): centers, leaders, villages and departments.</summary>
    public static bool HasConsole(UserRole role) =>
        role is UserRole.DutyOfficer or UserRole.Leader or UserRole.TownshipCenter or UserRole.Village or UserRole.Department;

    /// <summary>Who may register a case at the window or on the phone line (一站式受理).</summary>
    public bool CanRegister => HasConsole(Profile.Role);

    public static ConsoleUser Of(ClaimsPrincipal user, RegionDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(directory);
        var profile = user.Profile();
        var unit = HasConsole(profile.Role) ? InboxSnapshots.UnitOf(user) : null;
        var name = unit is not null && directory.IsLoaded && directory.FindUnit(unit) is { } own ? own.Name : profile.DisplayName;
        return new ConsoleUser(user, profile, unit, name, ScopeCheck.HasScreen(profile.Role));
    }
}
