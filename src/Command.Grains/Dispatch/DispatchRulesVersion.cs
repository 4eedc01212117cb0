using System.Globalization;
using Command.Data;
using Orleans;
using Orleans.Concurrency;

namespace Command.Grains.Dispatch;

/// <summary>
/// Which rule table is current in the cluster (its version: when it was last written, unix milliseconds). Each silo holds
/// the table in memory (<see cref="DispatchRules"/>); a silo that finds a newer version here reads the table again, so a
/// replacement made through any silo dispatches the next case on every silo.
/// </summary>
public interface IDispatchRulesVersionGrain : IGrainWithStringKey
{
    public const string Key = "dispatch-rules";

    [ReadOnly]
    Task<long> GetAsync();

    /// <summary>A silo wrote a new table of this version.</summary>
    Task ReplacedAsync(long version);
}

internal sealed class DispatchRulesVersionGrain(Database database) : Grain, IDispatchRulesVersionGrain
{
    private long version;

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        database.QueryAsync(new SqlStatement("SELECT max(updated_at) FROM dispatch_rules"),
            r => version = r.IsDBNull(0) ? 0 : Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), cancellationToken);

    public Task<long> GetAsync() => Task.FromResult(version);

    public Task ReplacedAsync(long version)
    {
        this.version = Math.Max(this.version, version);
        return Task.CompletedTask;
    }
}
