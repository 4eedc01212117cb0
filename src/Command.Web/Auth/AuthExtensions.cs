using Command.Grains.Users;
using Command.Web.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Command.Web.Auth;

public static class AuthExtensions
{
    /// <summary>The scheme that picks bearer for "Authorization: Bearer …" and the cookie otherwise.</summary>
    public const string Scheme = "Command";

    public const string CookieName = "command.auth";

    /// <summary>The policy of operations pages (the Orleans dashboard): the admin only.</summary>
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddCommandAuth(this IServiceCollection services)
    {
        services.AddSingleton<ICredentialHasher, AspNetCredentialHasher>();
        services.AddSingleton<SignInService>();
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or bearer token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? BearerTokenDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.SlidingExpiration = true;
                o.Events.OnRedirectToLogin = context => Refuse(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Refuse(context, StatusCodes.Status403Forbidden);
            })
            .AddBearerToken();
        services.AddOptions<BearerTokenOptions>(BearerTokenDefaults.AuthenticationScheme)
            .Configure<IOptions<UserOptions>>((bearer, users) => bearer.BearerTokenExpiration = users.Value.TokenLifetime);
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<UserOptions>>((cookie, users) => cookie.ExpireTimeSpan = users.Value.TokenLifetime);
        services.AddAuthorization(o => o.AddPolicy(AdminPolicy, p => p.RequireRole(nameof(UserRole.Admin))));
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ApiRefusals>();
        return services;
    }

    /// <summary>API callers get a status code, browsers a redirect to the sign-in page.</summary>
    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsApi(context.Request))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    internal static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);

    /// <summary>POST /api/auth/token and POST /logout.</summary>
    public static WebApplication MapCommandAuth(this WebApplication app)
    {
        app.MapPost("/api/auth/token", IssueTokenAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("auth")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Signs in with a user name and password; answers a bearer token for the API.");
        app.MapPost("/logout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Problems.BadRequest("请从页面上的“退出”按钮退出");
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        }).RequireAuthorization().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/api/me", (HttpContext context) => TypedResults.Ok(new MeView(
            context.User.UserName(),
            context.User.FindFirst(CommandClaims.DisplayName)?.Value ?? "",
            context.User.Role().ToString(),
            context.User.Role().ToChinese(),
            context.User.FindFirst(CommandClaims.Unit)?.Value ?? "",
            context.User.ScopeCode(),
            context.User.WorkerId()))).RequireAuthorization().WithTags("auth").WithSummary("Who is signed in: user name, display name, role and scope.");
        return app;
    }

    private static async Task<IResult> IssueTokenAsync(TokenRequest? request, SignInService signIn, IOptionsMonitor<BearerTokenOptions> bearer, IOptions<UserOptions> users, TimeProvider time)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password))
        {
            return Problems.BadRequest("请提供用户名(userName)和密码(password)");
        }

        if (!TextRules.IsLine(request.UserName, 64) || !TextRules.IsLine(request.Password, 256))
        {
            return Problems.BadRequest("用户名不超过 64 个字符，密码不超过 256 个字符，均不能包含控制字符");
        }

        var result = await signIn.SignInAsync(request.UserName, request.Password);
        if (result.Status != SignInStatus.Succeeded)
        {
            return Problems.Unauthorized(SignInService.Explain(result, time));
        }

        var principal = CommandClaims.Principal(result, BearerTokenDefaults.AuthenticationScheme);
        var properties = new AuthenticationProperties { ExpiresUtc = time.GetUtcNow() + users.Value.TokenLifetime };
        var ticket = new AuthenticationTicket(principal, properties, BearerTokenDefaults.AuthenticationScheme);
        var token = bearer.Get(BearerTokenDefaults.AuthenticationScheme).BearerTokenProtector.Protect(ticket);
        return TypedResults.Ok(new TokenResponse(token, properties.ExpiresUtc.Value));
    }
}

public sealed record TokenRequest(string? UserName, string? Password);

public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

public sealed record MeView(string UserName, string DisplayName, string Role, string RoleName, string Unit, string Scope, long? WorkerId);
