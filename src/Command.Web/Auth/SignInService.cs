using Command.Grains.Users;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Command.Web.Auth;

/// <summary>Checks a user name and password through the account's grain (which counts failures and locks out).</summary>
public sealed class SignInService(IGrainFactory grains)
{
    public const int MaxUserNameLength = 64;
    public const int MaxPasswordLength = 256;

    public async Task<SignInResult> SignInAsync(string? userName, string? password)
    {
        var name = userName?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(name) || name.Length > MaxUserNameLength || string.IsNullOrEmpty(password) || password.Length > MaxPasswordLength)
        {
            return new SignInResult(SignInStatus.Failed);
        }

        return await grains.GetGrain<IUserGrain>(name).SignInAsync(password);
    }

    /// <summary>What the user reads when a sign-in is refused.</summary>
    public static string Explain(SignInResult result, TimeProvider time) => result.Status switch
    {
        SignInStatus.Disabled => "账号已停用，请联系管理员",
        SignInStatus.LockedOut => $"密码错误次数过多，账号已锁定，请于 {ChinaTime.Convert(result.LockedUntil ?? time.GetUtcNow()):HH:mm} 后重试",
        _ => "用户名或密码错误",
    };
}
