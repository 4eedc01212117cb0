namespace Command.Grains.Cases;

/// <summary>
/// Time limits and thresholds of the case loop (section "Cases"). Limits marked "working time" count only working
/// days (see <see cref="WorkCalendar"/>); every value is a <see cref="TimeSpan"/>, so a demo or a test can use seconds.
/// </summary>
public sealed class CaseOptions
{
    public const string Section = "Cases";

    /// <summary>未签收 yellow warning for a unit (working time).</summary>
    public TimeSpan SignYellow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>未签收 red warning and automatic yellow card for a unit (working time).</summary>
    public TimeSpan SignRed { get; set; } = TimeSpan.FromDays(2);

    /// <summary>A grid worker's response to a task (网格员2小时内响应): yellow warning.</summary>
    public TimeSpan WorkerResponse { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A grid worker's response: red warning and automatic yellow card.</summary>
    public TimeSpan WorkerResponseRed { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Handling limits by complexity ("3715", working time).</summary>
    public TimeSpan SimpleLimit { get; set; } = TimeSpan.FromDays(3);

    public TimeSpan GeneralLimit { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan ComplexLimit { get; set; } = TimeSpan.FromDays(15);

    /// <summary>Handling limits of a department (职能部门): yellow, then red (working time).</summary>
    public TimeSpan DepartmentYellow { get; set; } = TimeSpan.FromDays(5);

    public TimeSpan DepartmentRed { get; set; } = TimeSpan.FromDays(10);

    /// <summary>The share of (limit + approved extension) after which the lamp turns yellow.</summary>
    public double EarlyWarningShare { get; set; } = 0.7;

    /// <summary>Per category: a handling limit that replaces the complexity's (e.g. "10": "10.00:00:00").</summary>
    public Dictionary<string, TimeSpan> CategoryLimits { get; set; } = [];

    /// <summary>How long after a yellow card (unsigned or overdue) automatic supervision turns it red (working time).</summary>
    public TimeSpan RedCardAfter { get; set; } = TimeSpan.FromDays(2);

    /// <summary>When a handling limit passes below the county, the case goes up one level (三级三次).</summary>
    public bool EscalateWhenOverdue { get; set; } = true;

    /// <summary>The longest extension a unit may ask for at once.</summary>
    public TimeSpan MaxExtension { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Revisit plan of a mediated dispute: this many weekly revisits, then this many monthly ones.</summary>
    public int WeeklyRevisits { get; set; } = 4;

    public int MonthlyRevisits { get; set; } = 2;

    public TimeSpan RevisitWeek { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan RevisitMonth { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The callback of a hotline case, and the single revisit of a case that is not a dispute.</summary>
    public TimeSpan Callback { get; set; } = TimeSpan.FromDays(1);

    /// <summary>热点: this many cases in one grid within <see cref="HotSpotWindow"/>.</summary>
    public int HotSpotCases { get; set; } = 3;

    public TimeSpan HotSpotWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A grid worker offline this long during office hours raises a warning.</summary>
    public TimeSpan WorkerOfflineWarning { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How soon a deadline that could not be acted on is tried again.</summary>
    public TimeSpan DeadlineRetry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the sweep wakes every case whose deadline passed more than <see cref="DeadlineRetry"/> ago.</summary>
    public TimeSpan DeadlineSweep { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The handling limit of a case of this category and complexity.</summary>
    public TimeSpan HandlingLimit(string category, Complexity complexity) =>
        CategoryLimits.TryGetValue(category, out var limit) ? limit : complexity switch
        {
            Complexity.Simple => SimpleLimit,
            Complexity.General => GeneralLimit,
            _ => ComplexLimit,
        };

    /// <summary>Problems with these options, in English for the start-up log (empty when valid).</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, value) in new[]
        {
            (nameof(SignYellow), SignYellow), (nameof(SignRed), SignRed), (nameof(WorkerResponse), WorkerResponse),
            (nameof(WorkerResponseRed), WorkerResponseRed), (nameof(SimpleLimit), SimpleLimit), (nameof(GeneralLimit), GeneralLimit),
            (nameof(ComplexLimit), ComplexLimit), (nameof(DepartmentYellow), DepartmentYellow), (nameof(DepartmentRed), DepartmentRed),
            (nameof(RedCardAfter), RedCardAfter), (nameof(MaxExtension), MaxExtension), (nameof(RevisitWeek), RevisitWeek),
            (nameof(RevisitMonth), RevisitMonth), (nameof(Callback), Callback), (nameof(HotSpotWindow), HotSpotWindow),
            (nameof(WorkerOfflineWarning), WorkerOfflineWarning), (nameof(DeadlineRetry), DeadlineRetry),
            (nameof(DeadlineSweep), DeadlineSweep),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"Cases:{name} must be positive.";
            }
        }

        foreach (var (code, limit) in CategoryLimits)
        {
            if (CaseCategories.Find(code) is null || limit <= TimeSpan.Zero)
            {
                yield return $"Cases:CategoryLimits:{code} must name a category and be positive.";
            }
        }

        if (SignRed < SignYellow || WorkerResponseRed < WorkerResponse || DepartmentRed < DepartmentYellow)
        {
            yield return "Cases: each red limit must not come before its yellow one.";
        }

        if (EarlyWarningShare is <= 0 or >= 1)
        {
            yield return "Cases:EarlyWarningShare must be between 0 and 1.";
        }

        if (WeeklyRevisits < 0 || MonthlyRevisits < 0 || HotSpotCases < 2)
        {
            yield return "Cases:WeeklyRevisits and MonthlyRevisits must not be negative, and HotSpotCases must be at least 2.";
        }
    }
}
