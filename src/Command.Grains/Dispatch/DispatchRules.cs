using System.Globalization;
using Command.Grains.Audit;
using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Data;
using Orleans;

namespace Command.Grains.Dispatch;

/// <summary>
/// The auto-dispatch rule table (自动派单, region × category × urgency → handler and copies), held in memory for every
/// new case and replaced as a whole by the admin. Loaded at start, right after the region directory; an empty table is
/// seeded with <see cref="DefaultDispatchRules"/>. In a cluster every silo holds the table: a replacement is announced to
/// <see cref="IDispatchRulesVersionGrain"/>, and <see cref="RefreshAsync"/> reads a newer table before it is used.
/// </summary>
public sealed class DispatchRules(RegionDirectory directory, AuditLog audit, TimeProvider time, IGrainFactory? grains = null)
{
    private const string Columns = "id, name, region, category, urgency, target, copies";

    private readonly SemaphoreSlim replacing = new(1, 1);
    private volatile Table? table;
    private Database? database;

    public bool IsLoaded => table is not null;

    /// <summary>When the table held here was written (unix milliseconds); 0 before it is loaded.</summary>
    public long Version => table?.Version ?? 0;

    /// <summary>The rules, by id.</summary>
    public IReadOnlyList<DispatchRule> All => Current.ById;

    private Table Current => table ?? throw new InvalidOperationException("The dispatch rules are not loaded yet.");

    /// <summary>Reads the table from <paramref name="database"/> (seeding the defaults into an empty one); later replacements are written there.</summary>
    public async Task LoadAsync(Database database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var (rules, version) = await ReadAsync(database, cancellationToken).ConfigureAwait(false);
        if (rules.Count == 0)
        {
            rules.AddRange(DefaultDispatchRules.All);
            version = time.GetUtcNow().ToUnixTimeMilliseconds();
            await database.WriteAsync(Statements(rules, "system", "seed-dispatch-rules", version), cancellationToken).ConfigureAwait(false);
        }

        this.database = database;
        table = new Table(rules, version);
    }

    /// <summary>Reads the table again when the cluster's current one (<see cref="IDispatchRulesVersionGrain"/>) is newer than the one held here.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (grains is null || database is not { } source)
        {
            return;
        }

        var current = await grains.GetGrain<IDispatchRulesVersionGrain>(IDispatchRulesVersionGrain.Key).GetAsync().ConfigureAwait(false);
        if (current <= Version)
        {
            return;
        }

        await replacing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (current > Version)
            {
                var (rules, version) = await ReadAsync(source, cancellationToken).ConfigureAwait(false);
                table = new Table(rules, version);
            }
        }
        finally
        {
            replacing.Release();
        }
    }

    private static async Task<(List<DispatchRule> Rules, long Version)> ReadAsync(Database database, CancellationToken cancellationToken)
    {
        var rules = new List<DispatchRule>();
        long version = 0;
        await database.QueryAsync(new SqlStatement($"SELECT {Columns}, updated_at FROM dispatch_rules ORDER BY id"), r =>
        {
            rules.Add(Read(r));
            version = Math.Max(version, Convert.ToInt64(r.GetValue(7), CultureInfo.InvariantCulture));
        }, cancellationToken).ConfigureAwait(false);
        return (rules, version);
    }

    /// <summary>
    /// The rule for a case: among the rules whose region contains <paramref name="regionCode"/> and whose category and
    /// urgency match (or are empty), the one with the longest region prefix, then one with a category, then one with an
    /// urgency; equally specific rules go by lowest id. Null when none matches.
    /// </summary>
    public DispatchRule? Match(string regionCode, string category, Urgency urgency)
    {
        ArgumentNullException.ThrowIfNull(regionCode);
        foreach (var rule in Current.BySpecificity)
        {
            if (RegionCode.IsWithin(regionCode, rule.Region)
                && (rule.Category.Length == 0 || rule.Category.Equals(category, StringComparison.Ordinal))
                && (rule.Urgency is null || rule.Urgency == urgency))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>
    /// What auto-dispatch does with a new case: the matching rule, its handler (with the fallbacks of
    /// <see cref="DispatchTargets.Resolve"/>), the dispatching center and the copies. Copies do not fall back: a copy whose
    /// unit the location does not name (or that does not exist) is left out, as is one that repeats the handler. Null when
    /// no rule matches or the handler would be the county center itself: the case then waits there for a person.
    /// </summary>
    public DispatchPlan? Plan(CaseLocation location, string category, Urgency urgency)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (Match(location.RegionCode, category, urgency) is not { } rule || Resolve(rule.Target, location) is not { } to)
        {
            return null;
        }

        var dispatcher = DispatchTargets.DispatcherOf(to, directory);
        if (to.Id.Equals(dispatcher, StringComparison.Ordinal))
        {
            return null;
        }

        var copies = rule.Copies
            .Select(c => DispatchTargets.ResolveExact(c, location, directory))
            .OfType<Assignee>()
            .Where(c => c.Id != to.Id)
            .DistinctBy(c => c.Id)
            .ToList();
        return new DispatchPlan(rule.Id, rule.Name, to, dispatcher, copies);
    }

    /// <summary>The handler a "level:role" target names for a case at <paramref name="location"/>; see <see cref="DispatchTargets.Resolve"/>.</summary>
    public Assignee? Resolve(string target, CaseLocation location) => DispatchTargets.Resolve(target, location, directory);

    /// <summary>
    /// Validates every rule, then replaces the whole table and records who did it, in one atomic write, and only then
    /// serves the new table. Returns it, by id.
    /// </summary>
    /// <exception cref="DispatchRuleException">A rule is invalid; nothing was changed. The message names each rule and what is wrong.</exception>
    /// <exception cref="DispatchRulesStaleException">
    /// <paramref name="expectedVersion"/> (the <see cref="Version"/> the editor started from) is no longer current anywhere
    /// in the cluster; nothing was changed. Without it the table is replaced whatever it was.
    /// </exception>
    public async Task<IReadOnlyList<DispatchRule>> ReplaceAsync(
        IReadOnlyList<DispatchRule> rules, string actor, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var errors = DispatchRuleValidation.Check(rules, directory);
        if (errors.Count > 0)
        {
            throw new DispatchRuleException(errors);
        }

        var target = database ?? throw new InvalidOperationException("The dispatch rules are not loaded yet.");
        var clusterVersion = grains is null ? 0 : await grains.GetGrain<IDispatchRulesVersionGrain>(IDispatchRulesVersionGrain.Key).GetAsync().ConfigureAwait(false);
        rules = [.. rules.Select(r => r with { Copies = [.. r.Copies] })]; // the caller's lists stay theirs
        await replacing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Serialised so that the table served is always the one written last; a version later than any held anywhere.
            var version = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), Math.Max(Version, clusterVersion) + 1);
            var counter = grains?.GetGrain<IDispatchRulesVersionGrain>(IDispatchRulesVersionGrain.Key);
            if (expectedVersion is { } expected && (counter is null ? expected != Version : !await counter.ClaimAsync(expected, version).ConfigureAwait(false)))
            {
                throw new DispatchRulesStaleException();
            }

            try
            {
                await target.WriteAsync(Statements(rules, actor, "replace-dispatch-rules", version), cancellationToken).ConfigureAwait(false);
            }
            catch when (expectedVersion is { } claimedFrom && counter is not null)
            {
                await counter.ReleaseAsync(version, claimedFrom).ConfigureAwait(false);
                throw;
            }

            table = new Table(rules, version);
        }
        finally
        {
            replacing.Release();
        }

        if (grains is not null)
        {
            await grains.GetGrain<IDispatchRulesVersionGrain>(IDispatchRulesVersionGrain.Key).ReplacedAsync(Version).ConfigureAwait(false);
        }

        return All;
    }

    private List<SqlStatement> Statements(IReadOnlyList<DispatchRule> rules, string actor, string action, long now)
    {
        var statements = new List<SqlStatement>(rules.Count + 2) { new("DELETE FROM dispatch_rules") };
        statements.AddRange(rules.Select(r => new SqlStatement(
            $"INSERT INTO dispatch_rules ({Columns}, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            r.Id, r.Name, r.Region, r.Category, r.Urgency?.Wire() ?? string.Empty, r.Target, string.Join(',', r.Copies), now, actor)));
        statements.Add(audit.Entry(actor, action, "dispatch_rules", $"{rules.Count} rules"));
        return statements;
    }

    private static DispatchRule Read(System.Data.Common.DbDataReader r)
    {
        var id = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture);
        var urgencyText = r.GetString(4);
        Urgency? urgency = null;
        if (urgencyText.Length > 0)
        {
            urgency = CaseNames.TryParseUrgency(urgencyText, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"Dispatch rule {id} has an unknown urgency '{urgencyText}' (expected low, medium, high or empty).");
        }

        return new DispatchRule(
            id, r.GetString(1), r.GetString(2), r.GetString(3), urgency, r.GetString(5), r.GetString(6).Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    private sealed class Table(IReadOnlyList<DispatchRule> rules, long version)
    {
        public long Version { get; } = version;

        public List<DispatchRule> ById { get; } = [.. rules.OrderBy(r => r.Id)];

        public List<DispatchRule> BySpecificity { get; } =
        [
            .. rules.OrderByDescending(r => r.Region.Length)
                .ThenByDescending(r => r.Category.Length > 0)
                .ThenByDescending(r => r.Urgency is not null)
                .ThenBy(r => r.Id),
        ];
    }
}
