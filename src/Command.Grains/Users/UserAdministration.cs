using Command.Grains.Regions;
using Orleans;

namespace Command.Grains.Users;

/// <summary>Why the admin's change to an account was refused; nothing was changed.</summary>
public enum AccountRefusal
{
    Invalid,
    NotFound,
    Exists,
}

/// <summary>An account change that was refused; the message is in Chinese and says why.</summary>
public sealed class AccountRefusedException(AccountRefusal kind, string message) : Exception(message)
{
    public AccountRefusal Kind { get; } = kind;
}

/// <summary>
/// The admin's work on accounts (用户管理), shared by the HTTP API and the admin pages: checks every input, hashes
/// passwords, and hands each change to the account's grain, which records who made it. The caller has checked that the
/// actor is an admin.
/// </summary>
public sealed class UserAdministration(IGrainFactory grains, RegionDirectory directory, ICredentialHasher hasher, UserStore store)
{
    public const int MaxPageSize = 200;

    public Task<UserPage> SearchAsync(string? search, UserRole? role, string? scope, int page, int pageSize, CancellationToken cancellationToken = default) =>
        store.SearchAsync(search, role, scope, Math.Max(1, page), Math.Clamp(pageSize, 1, MaxPageSize), cancellationToken);

    public Task<UserAccount?> GetAsync(string userName) => Grain(AccountRules.Normalize(userName)).GetAccountAsync();

    public async Task<UserAccount> CreateAsync(string? userName, string? displayName, string? password, AccountRules.Placement placement, string actor)
    {
        var name = AccountRules.Normalize(userName);
        Require(AccountRules.CheckUserName(name), AccountRules.CheckDisplayName(displayName), AccountRules.CheckPassword(password, name));
        var profile = Place(name, displayName!, placement);
        if (!await Grain(name).CreateAsync(profile, hasher.Hash(password!), actor))
        {
            throw new AccountRefusedException(AccountRefusal.Exists, $"用户名 {name} 已被使用");
        }

        return await Grain(name).GetAccountAsync() ?? throw new InvalidOperationException($"The account {name} vanished after its creation.");
    }

    public async Task<UserAccount> ChangeAsync(string userName, string? displayName, AccountRules.Placement placement, string actor)
    {
        var name = AccountRules.Normalize(userName);
        Require(AccountRules.CheckDisplayName(displayName));
        var profile = Place(name, displayName!, placement);
        if (name == AccountRules.Normalize(actor) && profile.Role != UserRole.Admin)
        {
            throw new AccountRefusedException(AccountRefusal.Invalid, "不能取消自己的管理员角色");
        }

        return await Grain(name).ChangeProfileAsync(profile, actor) ?? throw Missing(name);
    }

    public async Task<UserAccount> ResetPasswordAsync(string userName, string? password, string actor)
    {
        var name = AccountRules.Normalize(userName);
        Require(AccountRules.CheckPassword(password, name));
        if (await Grain(name).GetAccountAsync() is null)
        {
            throw Missing(name);
        }

        return await Grain(name).ResetPasswordAsync(hasher.Hash(password!), actor) ?? throw Missing(name);
    }

    public async Task<UserAccount> SetLockedAsync(string userName, bool locked, string actor)
    {
        var name = AccountRules.Normalize(userName);
        if (locked && name == AccountRules.Normalize(actor))
        {
            throw new AccountRefusedException(AccountRefusal.Invalid, "不能停用自己的账号");
        }

        return await Grain(name).SetLockedAsync(locked, actor) ?? throw Missing(name);
    }

    private IUserGrain Grain(string name) => grains.GetGrain<IUserGrain>(name);

    private UserProfile Place(string name, string displayName, AccountRules.Placement placement)
    {
        var (profile, problem) = AccountRules.Place(name, displayName, placement, directory);
        return profile ?? throw new AccountRefusedException(AccountRefusal.Invalid, problem!);
    }

    private static void Require(params string?[] problems)
    {
        var found = problems.OfType<string>().ToList();
        if (found.Count > 0)
        {
            throw new AccountRefusedException(AccountRefusal.Invalid, string.Join("；", found));
        }
    }

    private static AccountRefusedException Missing(string name) => new(AccountRefusal.NotFound, $"用户 {name} 不存在");
}
