using Command.Grains.Regions;
using Command.Grains.Users;

namespace Command.Web.Components.Admin;

/// <summary>What the account form holds while the admin fills it in: the role and the places picked by name.</summary>
public sealed class AccountDraft
{
    public string UserName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string Password { get; set; } = "";

    public UserRole Role { get; set; } = UserRole.TownshipCenter;

    public string County { get; set; } = "";

    public string Township { get; set; } = "";

    public string Village { get; set; } = "";

    public string Grid { get; set; } = "";

    public long? WorkerId { get; set; }

    public string Unit { get; set; } = "";

    /// <summary>The placement the server checks; the unit and scope are derived there.</summary>
    public AccountRules.Placement Placement() => new(
        Role,
        Role switch
        {
            UserRole.DutyOfficer or UserRole.Leader => County,
            UserRole.TownshipCenter => Township,
            UserRole.Village => Village,
            UserRole.GridWorker => Grid,
            _ => null,
        },
        Role == UserRole.Department ? Unit : null,
        Role == UserRole.GridWorker ? WorkerId : null);

    /// <summary>A draft of an existing account, with its places filled in from its scope.</summary>
    public static AccountDraft Of(UserAccount account)
    {
        var p = account.Profile;
        string At(RegionLevel level) => p.Scope.Length >= RegionCode.LengthOf(level) ? RegionCode.AncestorAt(p.Scope, level) : "";
        return new AccountDraft
        {
            UserName = p.UserName, DisplayName = p.DisplayName, Role = p.Role, County = At(RegionLevel.County), Township = At(RegionLevel.Township),
            Village = At(RegionLevel.Village), Grid = At(RegionLevel.Grid), WorkerId = p.WorkerId, Unit = p.Role == UserRole.Department ? p.UnitId : "",
        };
    }
}
