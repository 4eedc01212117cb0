using System.Text;
using Command.Grains.Dispatch;
using Command.Grains;
using Command.Grains.Cases;
using Command.Grains.Live;
using Command.Grains.Regions;
using Command.Grains.Regions.Import;
using Command.Grains.Users;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using Command.Data.Hosting;
using Command.Data;
using Microsoft.Extensions.Options;

namespace Command.Silo.Hosting;

/// <summary>
/// At start: imports the demo county into an empty database (demo mode), loads the region directory, seeds
/// accounts (every demo account, or the admin in production) and wakes the workers who were online before a
/// restart so the live counters are right at once.
/// </summary>
internal sealed partial class StartupData(
    Database database,
    RegionStore store,
    RegionDirectory directory,
    DispatchRules dispatchRules,
    IGrainFactory grains,
    LiveSeed live,
    CountingWake wake,
    ICredentialHasher hasher,
    IOptions<DemoOptions> demo,
    IOptions<UserOptions> users,
    IOptions<StorageOptions> storage,
    ILogger<StartupData> log) : IHostedService
{
    private const string Actor = "system";
    private const int SeedingConcurrency = 16;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var demoMode = demo.Value.Enabled == true;
        if (demoMode)
        {
            // Silos that start together over one empty database: one imports, the others wait for it and find the county.
            var started = TimeProvider.System.GetTimestamp();
            if (await store.ImportIfEmptyAsync(RegionImporter.BuildDemo, Actor, cancellationToken) is { } summary)
            {
                LogImported(log, summary.Regions, summary.Grids, summary.Workers, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
            }
        }

        await directory.LoadAsync(database, cancellationToken);
        await dispatchRules.LoadAsync(database, cancellationToken);
        if (demoMode)
        {
            await SeedDemoAccountsAsync();
        }
        else
        {
            await EnsureAdminAsync();
        }

        // Open cases and active warnings go on the screens before anything else wakes.
        await live.LoadAsync(cancellationToken);

        // Deadlines that passed while the system was down are acted on now, not only when each case's reminder comes.
        await grains.GetGrain<IDeadlineSweepGrain>(IDeadlineSweepGrain.Key).SweepAsync();
        await grains.GetGrain<Command.Grains.Attachments.IDraftSweepGrain>(Command.Grains.Attachments.IDraftSweepGrain.Key).SweepAsync();

        // Workers who reported today (for their status and a pending offline warning), and the grids and regions with
        // cases or warnings that count now, wake up so the live counters are right at once after a restart.
        await wake.WakeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedDemoAccountsAsync()
    {
        var accounts = DemoAccounts.For(directory, demo.Value.County);

        // One hash for every demo account: the password is public anyway, and hashing is deliberately slow.
        var hash = hasher.Hash(DemoAccounts.Password);

        // A few at a time: each creation activates an account that reads and writes its state, and several silos seeding
        // at once without a bound would ask the server for every connection their pools allow together. Each account is
        // one grain in the cluster, so it is created by exactly one of them and counted as new once.
        var created = 0;
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = SeedingConcurrency }, async (account, _) =>
        {
            if (await grains.GetGrain<IUserGrain>(account.UserName).CreateAsync(account, hash, Actor))
            {
                Interlocked.Increment(ref created);
            }
        });

        var list = new StringBuilder();
        foreach (var account in accounts)
        {
            list.Append(account.UserName).Append('\t').Append(account.Role).Append('\t').Append(account.DisplayName).Append('\t').AppendLine(account.Scope);
        }

        var file = Path.Combine(storage.Value.DataDirectory, "demo-users.txt");
        Directory.CreateDirectory(storage.Value.DataDirectory);
        await File.WriteAllTextAsync(file, list.ToString());

        string Names(UserRole role) => string.Join(", ", accounts.Where(a => a.Role == role).Select(a => a.UserName));
        string Sample(UserRole role)
        {
            var names = accounts.Where(a => a.Role == role).Select(a => a.UserName).ToList();
            return names.Count <= 3 ? string.Join(", ", names) : $"{names[0]}, {names[1]}, … {names[^1]} ({names.Count})";
        }

        LogDemoAccounts(
            log, accounts.Count, created, DemoAccounts.Password, Names(UserRole.DutyOfficer), Names(UserRole.Leader), Names(UserRole.Admin),
            Names(UserRole.TownshipCenter), Names(UserRole.Department), Sample(UserRole.Village), Sample(UserRole.GridWorker), file);
    }

    private async Task EnsureAdminAsync()
    {
        var admin = grains.GetGrain<IUserGrain>("admin");
        if (await admin.GetAsync() is not null)
        {
            await admin.EnsureListedAsync();
            return;
        }

        if (string.IsNullOrEmpty(users.Value.AdminPassword))
        {
            LogNoAdmin(log);
            return;
        }

        if (users.Value.AdminPassword.Length < 12)
        {
            throw new OptionsValidationException(UserOptions.Section, typeof(UserOptions), ["Auth:AdminPassword must have at least 12 characters."]);
        }

        // Another silo starting at the same moment may have created it since we looked: only the one that did says so.
        if (await admin.CreateAsync(new UserProfile("admin", "系统管理员", UserRole.Admin, "admin", string.Empty), hasher.Hash(users.Value.AdminPassword), Actor))
        {
            LogAdminCreated(log);
        }
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Imported the demo county: {Regions} regions, {Grids} grids, {Workers} grid workers in {Seconds:0.0} s (township, village and grid boundaries are synthetic)")]
    private static partial void LogImported(ILogger logger, int regions, int grids, int workers, double seconds);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = """
        Demo accounts ({Count}, {Created} new), every password is "{Password}":
          duty officer: {Duty}
          leader:       {Leader}
          admin:        {Admin}
          townships:    {Towns}
          departments:  {Departments}
          villages:     {Villages}
          grid workers: {Workers}
          the full list: {File}
        """)]
    private static partial void LogDemoAccounts(
        ILogger logger, int count, int created, string password, string duty, string leader, string admin, string towns, string departments, string villages, string workers, string file);

    [LoggerMessage(EventId = 203, Level = LogLevel.Error, Message = "No admin account exists: set Auth__AdminPassword (at least 12 characters) and restart to create it")]
    private static partial void LogNoAdmin(ILogger logger);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "Created the admin account from Auth:AdminPassword")]
    private static partial void LogAdminCreated(ILogger logger);
}
