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

    /// <summary>
    /// One save at a time in the whole cluster: takes <paramref name="next"/> as the current version if the current one is
    /// still <paramref name="expected"/> (the one the editor started from); false when someone saved meanwhile.
    /// </summary>
    Task<bool> ClaimAsync(long expected, long next);

    /// <summary>A claimed save that could not be written: <paramref name="previous"/> is current again.</summary>
    Task ReleaseAsync(long claimed, long previous);
}

internal sealed class DispatchRulesVersionGrain(Database database) : Grain, IDispatchRulesVersionGrain
{
    private long version;

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        database.QueryAsync(new SqlStatement("SELECT max(updated_at) FROM dispatch_rules"),
            r => version = r.IsDBNull(0) ? 0 : Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), cancellationToken);

    public Task<long> GetAsync() => Task.FromResult(version);

    public Task<bool> ClaimAsync(long expected, long next)
    {
        if (version != expected)
        {
            return Task.FromResult(false);
        }

        version = next;
        return Task.FromResult(true);
    }

    public Task ReleaseAsync(long claimed, long previous)
    {
        if (version == claimed)
        {
            version = previous;
        }

        return Task.CompletedTask;
    }

    public Task ReplacedAsync(long version)
    {
        this.version = Math.Max(this.version, version);
        return Task.CompletedTask;
    }
}
