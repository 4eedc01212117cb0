using Orleans;
using Orleans.Concurrency;
namespace Command.Grains.Cases;

/// <summary>What a reporter, window clerk, hotline or referring office says about a new case (validated by the API).</summary>
[GenerateSerializer, Immutable]
public sealed record CaseIntake(
    CaseChannel Channel,
    string Category,
    Urgency Urgency,
    string Title,
    string Description,
    double? Lat = null,
    double? Lon = null,
    string? RegionCode = null,
    string? Address = null,
    string? ReporterName = null,
    string? ReporterPhone = null,
    string? Parties = null,
    int? PartyCount = null,
    decimal? Amount = null,
    IReadOnlyList<string>? Attachments = null,
    HotlineOrder? Hotline = null,
    string? ReferralNumber = null,
    Complexity? Complexity = null,
    RiskColor? Risk = null);

/// <summary>A 12345 hotline work order: its number, the caller and the limit the hotline set.</summary>
[GenerateSerializer, Immutable]
public sealed record HotlineOrder(string Number, string Caller, string? CallerPhone = null, TimeSpan? Limit = null);
