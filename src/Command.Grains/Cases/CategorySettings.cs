using System.Data.Common;
using System.Globalization;
using Command.Data;
using Command.Grains.Audit;
using Orleans;
using Orleans.Concurrency;

namespace Command.Grains.Cases;

/// <summary>
/// The admin's setting of one category: the complexity a new case gets when its intake names none, and its handling
/// limit (working time). Null means the default: the category table's complexity, and the limit of that complexity (or
/// <c>Cases:CategoryLimits</c>) from the options.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CategorySetting(string Code, Complexity? Complexity, TimeSpan? Limit)
{
    public static readonly TimeSpan MaxLimit = TimeSpan.FromDays(365);

    /// <summary>Why this setting cannot be kept (in Chinese), or null.</summary>
    public string? Problem() =>
        CaseCategories.Find(Code) is null ? $"类别 {Code} 不存在"
        : Complexity is { } c && !Enum.IsDefined(c) ? $"复杂程度 {(int)c} 未知"
        : Limit is { } l && (l <= TimeSpan.Zero || l > MaxLimit) ? $"办理时限应大于 0 且不超过 {MaxLimit.TotalDays:0} 天"
        : null;
}

/// <summary>
/// The category settings of the whole cluster, one activation (key <see cref="Key"/>): read by every new case at intake,
/// changed by the admin. A change is durable, with its audit entry, before it is served.
/// </summary>
public interface ICategorySettingsGrain : IGrainWithStringKey
{
    public const string Key = "categories";

    [ReadOnly]
    Task<IReadOnlyList<CategorySetting>> GetAsync();

    /// <summary>Replaces one category's setting (nulls restore the defaults); throws <see cref="ArgumentException"/> with a Chinese message when invalid.</summary>
    Task<IReadOnlyList<CategorySetting>> SetAsync(CategorySetting setting, string actor);
}

internal sealed class CategorySettingsGrain(Database database, AuditLog audit, TimeProvider time) : Grain, ICategorySettingsGrain
{
    private Dictionary<string, CategorySetting> settings = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var loaded = new Dictionary<string, CategorySetting>(StringComparer.Ordinal);
        await database.QueryAsync(new SqlStatement("SELECT code, complexity, limit_ms FROM category_settings"), r => loaded[r.GetString(0)] = Read(r), cancellationToken);
        settings = loaded;
    }

    public Task<IReadOnlyList<CategorySetting>> GetAsync() => Task.FromResult(List());

    public async Task<IReadOnlyList<CategorySetting>> SetAsync(CategorySetting setting, string actor)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        if (setting.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(setting));
        }

        await database.WriteAsync(
            new SqlStatement(
                "INSERT INTO category_settings (code, complexity, limit_ms, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) "
                + "ON CONFLICT (code) DO UPDATE SET complexity = excluded.complexity, limit_ms = excluded.limit_ms, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                setting.Code, setting.Complexity?.ToString().ToLowerInvariant(), setting.Limit is { } l ? (long)l.TotalMilliseconds : null,
                time.GetUtcNow().ToUnixTimeMilliseconds(), actor),
            audit.Entry(actor, "set-category", setting.Code, $"complexity={setting.Complexity?.ToString() ?? "default"}; limit={setting.Limit?.ToString() ?? "default"}"));
        settings[setting.Code] = setting;
        return List();
    }

    private IReadOnlyList<CategorySetting> List() => [.. settings.Values.OrderBy(s => s.Code, StringComparer.Ordinal)];

    private static CategorySetting Read(DbDataReader r) => new(
        r.GetString(0),
        r.IsDBNull(1) ? null : Enum.Parse<Complexity>(r.GetString(1), ignoreCase: true),
        r.IsDBNull(2) ? null : TimeSpan.FromMilliseconds(Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)));
}
