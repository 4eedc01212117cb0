using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Command.Grains.Cases;

public static class CaseServices
{
    /// <summary>The case loop's services. Options are bound by the host (sections "Cases" and "Calendar").</summary>
    public static IServiceCollection AddCaseServices(this IServiceCollection services)
    {
        services.AddOptions<CaseOptions>();
        services.AddSingleton<IValidateOptions<CaseOptions>, CaseOptionsValidator>();
        services.AddOptions<CalendarOptions>();
        services.AddSingleton<WorkCalendar>();
        services.AddSingleton<CaseClock>();
        services.AddSingleton<CaseUnits>();
        services.AddSingleton<CaseMachine>();
        services.AddSingleton<CaseStore>();
        services.TryAddSingleton<Live.ILiveFeed, Live.NoLiveFeed>();
        return services;
    }
}

internal sealed class CaseOptionsValidator : IValidateOptions<CaseOptions>
{
    public ValidateOptionsResult Validate(string? name, CaseOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
