using System.Security.Claims;
using Command.Grains.Regions;
using Command.Grains.Users;
using Command.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Command.Web.Api;

/// <summary>An account as the admin reads it: codes and what users read for each, never the password.</summary>
public sealed record UserView(
    string UserName, string DisplayName, UserRole Role, string RoleName, string Unit, string UnitName, string Scope, string ScopeName,
    long? WorkerId, string? WorkerName, bool Locked, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset UpdatedAt, string UpdatedBy)
{
    public static UserView Of(UserAccount account, RegionDirectory directory)
    {
        var p = account.Profile;
        return new UserView(
            p.UserName, p.DisplayName, p.Role, p.Role.ToChinese(), p.UnitId, directory.FindUnit(p.UnitId)?.Name ?? (p.Role == UserRole.Admin ? "系统管理" : p.UnitId),
            p.Scope, p.Scope.Length == 0 ? "全部" : directory.FindRegion(p.Scope)?.Name ?? p.Scope, p.WorkerId,
            p.WorkerId is { } id ? directory.FindWorker(id)?.Name : null, account.Locked,
            account.LockedUntil is { } until ? ChinaTime.Convert(until) : null, ChinaTime.Convert(account.CreatedAt), account.CreatedBy,
            ChinaTime.Convert(account.UpdatedAt), account.UpdatedBy);
    }
}

public sealed record UserListView(int Total, int Page, int PageSize, IReadOnlyList<UserView> Items);

/// <summary>
/// A new account, or the new placement of one. Role: township_center, village, grid_worker, department, duty_officer,
/// leader or admin. Region: the township, village or grid code (a county for duty and leader; empty for an admin); unit: the
/// department's unit id; workerId: the grid worker the account belongs to.
/// </summary>
public sealed record UserInput(string? UserName, string? DisplayName, string? Password, string? Role, string? Region, string? Unit, long? WorkerId);

public sealed record PasswordInput(string? Password);

/// <summary>/api/users: the admin's account management (用户管理). Every endpoint is the admin's alone, refused before the body is read.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("users").RequireAuthorization(AuthExtensions.AdminPolicy).ProducesProblem(StatusCodes.Status403Forbidden);
        users.MapGet("/", ListAsync).Produces<UserListView>().ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("Accounts whose user name or name contains search, optionally of a role and inside a region; by user name, paged.");
        users.MapGet("/{userName}", GetAsync).Produces<UserView>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One account.");
        users.MapPost("/", CreateAsync)
            .Accepts<UserInput>("application/json")
            .Produces<UserView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Creates an account (201); 400 with the reason in Chinese, 409 if the user name is taken.");
        users.MapPut("/{userName}", ChangeAsync)
            .Accepts<UserInput>("application/json")
            .Produces<UserView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Changes name, role and scope; the user's sessions end.");
        users.MapPost("/{userName}/password", ResetPasswordAsync)
            .Accepts<PasswordInput>("application/json")
            .Produces<UserView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Sets a new password; the user's sessions end and a lock-out by failed sign-ins is lifted.");
        users.MapPost("/{userName}/lock", (string userName, ClaimsPrincipal user, UserAdministration admin, RegionDirectory directory) =>
            Answer(() => admin.SetLockedAsync(userName, true, user.UserName()), directory))
            .Produces<UserView>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Locks (停用) the account: no sign-in, and its sessions end at once.");
        users.MapPost("/{userName}/unlock", (string userName, ClaimsPrincipal user, UserAdministration admin, RegionDirectory directory) =>
            Answer(() => admin.SetLockedAsync(userName, false, user.UserName()), directory))
            .Produces<UserView>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Unlocks the account (also a lock-out by failed sign-ins).");
        return api;
    }

    private static async Task<IResult> ListAsync(
        UserAdministration admin, RegionDirectory directory, string? search = null, string? role = null, string? region = null, int page = 1, int pageSize = 50)
    {
        UserRole? parsed = null;
        if (!string.IsNullOrEmpty(role) && (parsed = AccountRules.ParseRole(role)) is null)
        {
            return Problems.BadRequest($"未知的角色 {role}");
        }

        if (!string.IsNullOrEmpty(region) && RegionCode.LevelOf(region) is null)
        {
            return Problems.BadRequest($"地区 {region} 不是区划代码");
        }

        if (page < 1 || pageSize is < 1 or > UserAdministration.MaxPageSize)
        {
            return Problems.BadRequest($"页码应从 1 开始，每页 1–{UserAdministration.MaxPageSize} 条");
        }

        if (search is { Length: > 64 } || !TextRules.IsClean(search))
        {
            return Problems.BadRequest("搜索词不能超过 64 个字，也不能包含控制字符");
        }

        var found = await admin.SearchAsync(search, parsed, region, page, pageSize);
        return TypedResults.Ok(new UserListView(found.Total, found.Page, found.PageSize, [.. found.Items.Select(a => UserView.Of(a, directory))]));
    }

    private static async Task<IResult> GetAsync(string userName, UserAdministration admin, RegionDirectory directory) =>
        await admin.GetAsync(userName) is { } account ? TypedResults.Ok(UserView.Of(account, directory)) : Problems.NotFound($"用户 {userName} 不存在");

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, UserAdministration admin, RegionDirectory directory)
    {
        var (input, problem) = await JsonBody.ReadAsync<UserInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (Placement(input!, out var placement) is { } refused)
        {
            return refused;
        }

        try
        {
            var account = await admin.CreateAsync(input!.UserName, input.DisplayName, input.Password, placement!, user.UserName());
            return TypedResults.Created($"/api/users/{account.Profile.UserName}", UserView.Of(account, directory));
        }
        catch (AccountRefusedException e)
        {
            return Refused(e);
        }
    }

    private static async Task<IResult> ChangeAsync(string userName, HttpRequest request, ClaimsPrincipal user, UserAdministration admin, RegionDirectory directory)
    {
        var (input, problem) = await JsonBody.ReadAsync<UserInput>(request);
        if (problem is not null)
        {
            return problem;
        }

        if (input!.UserName is { Length: > 0 } renamed && AccountRules.Normalize(renamed) != AccountRules.Normalize(userName))
        {
            return Problems.BadRequest("用户名不能修改");
        }

        if (input.Password is not null)
        {
            return Problems.BadRequest("修改密码请使用“重置密码”");
        }

        return Placement(input, out var placement) ?? await Answer(() => admin.ChangeAsync(userName, input.DisplayName, placement!, user.UserName()), directory);
    }

    private static async Task<IResult> ResetPasswordAsync(string userName, HttpRequest request, ClaimsPrincipal user, UserAdministration admin, RegionDirectory directory)
    {
        var (input, problem) = await JsonBody.ReadAsync<PasswordInput>(request);
        return problem ?? await Answer(() => admin.ResetPasswordAsync(userName, input!.Password, user.UserName()), directory);
    }

    private static IResult? Placement(UserInput input, out AccountRules.Placement? placement)
    {
        placement = null;
        if (!TextRules.AllSingleLine([input.UserName, input.DisplayName, input.Role, input.Region, input.Unit]))
        {
            return Problems.BadRequest(TextRules.LineMessage);
        }

        if (AccountRules.ParseRole(input.Role) is not { } role)
        {
            return Problems.BadRequest($"未知的角色 {input.Role}（可用：{string.Join("、", Enum.GetValues<UserRole>().Select(r => $"{System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(r.ToString())} {r.ToChinese()}"))}）");
        }

        placement = new AccountRules.Placement(role, input.Region, input.Unit, input.WorkerId);
        return null;
    }

    private static async Task<IResult> Answer(Func<Task<UserAccount>> change, RegionDirectory directory)
    {
        try
        {
            return TypedResults.Ok(UserView.Of(await change(), directory));
        }
        catch (AccountRefusedException e)
        {
            return Refused(e);
        }
    }

    private static IResult Refused(AccountRefusedException e) => e.Kind switch
    {
        AccountRefusal.NotFound => Problems.NotFound(e.Message),
        AccountRefusal.Exists => TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "已存在"),
        _ => Problems.BadRequest(e.Message),
    };
}
