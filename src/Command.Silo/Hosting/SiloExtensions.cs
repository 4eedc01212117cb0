using Command.Grains;
using Command.Runtime.Hosting;
using Microsoft.AspNetCore.DataProtection;

namespace Command.Silo.Hosting;

internal static class SiloExtensions
{
    /// <summary>The grain runtime over the configured storage, with the domain's grains. Options are validated at start.</summary>
    public static WebApplicationBuilder AddCommandSilo(this WebApplicationBuilder builder)
    {
        var dataDirectory = DataDirectory(builder.Configuration, builder.Environment);

        // The screens' JS and CSS live in Command.Web (a Razor class library). Run from a build, they are found through
        // the static web assets manifest, which only Development reads by default; published, they are in wwwroot.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.SectionName))
            .PostConfigure(storage => storage.DataDirectory = dataDirectory);
        builder.Services.AddOptions<SiloOptions>()
            .Bind(builder.Configuration.GetSection(SiloOptions.SectionName));
        builder.Services.AddCommandRuntime(runtime => runtime
            .AddGrains(GrainsAssembly.Assembly)
            .AddMigrations(GrainsAssembly.Assembly, GrainsAssembly.MigrationComponent));

        // Long enough for the silo to let turns finish, deactivate grains and commit queued writes.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(45));
        builder.Services.AddCommandHealth();

        // Keys for antiforgery (and sign-in cookies) live with the data, so they survive restarts.
        builder.Services.AddDataProtection()
            .SetApplicationName("Command")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        return builder;
    }

    /// <summary>Storage:DataDirectory, relative paths taken from the content root.</summary>
    public static string DataDirectory(IConfiguration configuration, IHostEnvironment environment) =>
        Path.GetFullPath(configuration[$"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)}"] ?? "data", environment.ContentRootPath);
}
