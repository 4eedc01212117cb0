using Orleans;
using Orleans.Concurrency;
namespace Command.Grains.Cases;

/// <summary>
/// Where a case is: the point (when known) and the regions it falls in. <see cref="RegionCode"/> is the finest one
/// known: the grid when the point was located, otherwise the code given at intake.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CaseLocation(string CountyCode, string? TownshipCode, string? VillageCode, string? GridCode, string RegionCode, double? Lat = null, double? Lon = null)
{
    /// <summary>The regions of a code: each ancestor from the county down to the code itself.</summary>
    public static CaseLocation Of(string regionCode, double? lat = null, double? lon = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(regionCode);
        return new CaseLocation(
            regionCode[..6],
            regionCode.Length >= 9 ? regionCode[..9] : null,
            regionCode.Length >= 12 ? regionCode[..12] : null,
            regionCode.Length >= 15 ? regionCode[..15] : null,
            regionCode,
            lat,
            lon);
    }
}
