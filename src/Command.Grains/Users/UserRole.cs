using Orleans;
using Orleans.Concurrency;
namespace Command.Grains.Users;

public enum UserRole
{
    /// <summary>县综治中心值班员.</summary>
    DutyOfficer,

    /// <summary>领导.</summary>
    Leader,

    /// <summary>乡镇(街道)综治中心.</summary>
    TownshipCenter,

    /// <summary>村(社区).</summary>
    Village,

    /// <summary>网格员.</summary>
    GridWorker,

    /// <summary>职能部门.</summary>
    Department,

    /// <summary>管理员.</summary>
    Admin,
}

public static class UserRoleNames
{
    public static string ToChinese(this UserRole role) => role switch
    {
        UserRole.DutyOfficer => "值班员",
        UserRole.Leader => "领导",
        UserRole.TownshipCenter => "乡镇综治中心",
        UserRole.Village => "村(社区)",
        UserRole.GridWorker => "网格员",
        UserRole.Department => "职能部门",
        _ => "管理员",
    };
}

/// <summary>
/// Who a user is: role, unit and the region code they may see (a code prefix: county, township, village or grid).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record UserProfile(string UserName, string DisplayName, UserRole Role, string UnitId, string Scope, long? WorkerId = null);
