using Command.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Command.Silo.Hosting;

internal static partial class KeyRingExtensions
{
    /// <summary>The migration component of this assembly's tables (<c>migrations/silo/{provider}/NNNN_name.sql</c>).</summary>
    public const string MigrationComponent = "silo";

    /// <summary>
    /// Data protection (sign-in cookies, bearer tokens, antiforgery) on one key ring per database, held by
    /// <see cref="KeyRingStore"/>. The ring is ready before the silo serves: keys an earlier version kept in
    /// <c>{dataDirectory}/keys</c> are carried in, and a first key exists.
    /// </summary>
    public static IServiceCollection AddCommandKeyRing(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton(new MigrationSource(typeof(KeyRingStore).Assembly, MigrationComponent));
        services.AddSingleton<KeyRingStore>();

        // Registered after the silo (the database is open) and before data protection's own start-up read of the ring.
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<KeyRingStartup>(sp, Path.Combine(dataDirectory, "keys")));
        services.AddDataProtection().SetApplicationName("Command");
        services.AddOptions<KeyManagementOptions>().Configure<KeyRingStore>((options, store) => options.XmlRepository = store);
        return services;
    }

    /// <summary>Runs once the silo (and so the database) has started, before the web host listens.</summary>
    private sealed partial class KeyRingStartup(
        string legacyDirectory, Database database, KeyRingStore store, IDataProtectionProvider protection, ILogger<KeyRingStartup> log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            database.ExclusiveAsync("key-ring", async token =>
            {
                var carried = await store.CarryOverAsync(legacyDirectory, token);
                if (carried > 0)
                {
                    LogCarriedOver(log, carried, legacyDirectory);
                }

                // The first protection reads the ring and, if it holds no usable key, creates one. Under the lock, silos
                // that start together over an empty table make one first key between them rather than one each: a silo
                // goes back to the table for a key it has not seen only in its first two minutes, so after that it would
                // refuse tokens signed with a key made alongside its own until its daily refresh of the ring.
                protection.CreateProtector("Command.KeyRing").Protect([1]);
            }, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Carried {Count} data-protection keys from {Directory} into the database: sign-ins made before the upgrade stay valid")]
        private static partial void LogCarriedOver(ILogger logger, int count, string directory);
    }
}
