using Command.Data;
using Command.Data.Hosting;

namespace Command.Silo.Hosting;

internal static class SiloExtensions
{
    /// <summary>
    /// This process is an Orleans silo with the web host inside it: the database chosen by <c>Storage</c>, the cluster
    /// settings of <c>Silo</c>, and the grains of Command.Grains (found by Orleans' generated application parts).
    /// </summary>
    public static WebApplicationBuilder AddCommandSilo(this WebApplicationBuilder builder)
    {
        var dataDirectory = DataDirectory(builder.Configuration, builder.Environment);

        // The screens' JS and CSS live in Command.Web (a Razor class library). Run from a build, they are found through
        // the static web assets manifest, which only Development reads by default; published, they are in wwwroot.
        builder.WebHost.UseStaticWebAssets();
        var storage = Bind<StorageOptions>(builder.Configuration, StorageOptions.SectionName);
        storage.DataDirectory = dataDirectory;
        var silo = Bind<NodeOptions>(builder.Configuration, NodeOptions.SectionName);
        builder.UseOrleans(orleans => orleans.UseCommandData(storage, silo).AddCommandOperations());
        builder.Services.AddSingleton(TimeProvider.System);

        // Long enough for the silo to let turns finish, deactivate grains and commit queued writes.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(45));
        builder.Services.AddCommandHealth();

        // Keys for sign-in cookies, bearer tokens and antiforgery live in the database: every silo over it reads the
        // others' tokens, and they survive restarts.
        builder.Services.AddCommandKeyRing(dataDirectory);
        return builder;
    }

    public static string DataDirectory(IConfiguration configuration, IHostEnvironment environment) =>
        Path.GetFullPath(configuration[$"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)}"] ?? "data", environment.ContentRootPath);

    /// <summary>A settings section as an options object; a value of the wrong form stops the silo naming the setting.</summary>
    private static T Bind<T>(IConfiguration configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"The settings section '{section}' is invalid: {e.Message}", e);
        }
    }
}
