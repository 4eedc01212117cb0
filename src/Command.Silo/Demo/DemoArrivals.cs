using System.Globalization;
using Command.Grains;
using Command.Grains.Cases;
using Command.Grains.Regions;
using Command.Grains.Users;

namespace Command.Silo.Demo;

/// <summary>
/// New cases as they reach a county: mostly neighbour and family disputes, wage arrears, public-order and safety
/// hazards; reported by grid workers, at the window, online, by the 12345 hotline or referred by the court, the police
/// or the petition office; mostly low or medium urgency; at points inside random grids, a share of them in one "hot"
/// grid at a time so that a 热点 appears.
/// </summary>
internal sealed class DemoArrivals
{
    private const double HotShare = 0.2;
    private const int HotGridFor = 15;

    private static readonly (string Code, int Weight)[] Categories =
    [
        ("02", 24), ("01", 12), ("10", 10), ("14", 10), ("15", 8), ("17", 8), ("03", 5), ("13", 5), ("04", 3), ("06", 3), ("12", 3),
        ("07", 2), ("09", 2), ("05", 1), ("08", 1), ("11", 1), ("16", 1), ("99", 1),
    ];

    private static readonly (CaseChannel Channel, int Weight)[] Channels =
    [
        (CaseChannel.Grid, 40), (CaseChannel.WalkIn, 15), (CaseChannel.Online, 14), (CaseChannel.Hotline, 16),
        (CaseChannel.Court, 5), (CaseChannel.Police, 5), (CaseChannel.Petition, 5),
    ];

    /// <summary>What each referring office sends.</summary>
    private static readonly Dictionary<CaseChannel, (string Department, string[] Categories)> Referrals = new()
    {
        [CaseChannel.Court] = ("court", ["01", "02", "03", "04", "06"]),
        [CaseChannel.Police] = ("police", ["02", "06", "12", "14"]),
        [CaseChannel.Petition] = ("petition", ["16", "08", "10", "03", "07"]),
    };

    private readonly RegionDirectory directory;
    private readonly DemoPeople people;
    private readonly Random random;
    private readonly List<string> grids;
    private string hotGrid;
    private int sinceHotGridChanged;
    private int serial;

    public DemoArrivals(RegionDirectory directory, DemoPeople people, string county, Random random)
    {
        this.directory = directory;
        this.people = people;
        this.random = random;
        grids = [];
        Collect(directory.FindRegion(county)!, grids);
        grids.RemoveAll(g => people.WorkerOfGrid(g) is null);
        if (grids.Count == 0)
        {
            throw new InvalidOperationException($"The demo county {county} has no grid with a full-time worker.");
        }

        hotGrid = DemoTexts.Pick(random, grids);
    }

    /// <summary>The next case and who registers it.</summary>
    public (CaseIntake Intake, UserProfile Actor) Next(DateTimeOffset now)
    {
        if (++sinceHotGridChanged > HotGridFor)
        {
            hotGrid = DemoTexts.Pick(random, grids);
            sinceHotGridChanged = 0;
        }

        var grid = random.NextDouble() < HotShare ? hotGrid : DemoTexts.Pick(random, grids);
        var channel = Weighted(Channels);
        string category;
        UserProfile actor;
        string? referralNumber = null;
        if (Referrals.TryGetValue(channel, out var referral) && people.Department(referral.Department) is { } office)
        {
            category = DemoTexts.Pick(random, referral.Categories);
            actor = office;
            referralNumber = $"{referral.Department.ToUpperInvariant()}-{ChinaDay(now)}-{serial + 1:0000}";
        }
        else
        {
            channel = channel is CaseChannel.Court or CaseChannel.Police or CaseChannel.Petition ? CaseChannel.WalkIn : channel;
            category = Weighted(Categories);
            actor = channel == CaseChannel.Grid ? people.WorkerOfGrid(grid)! : people.Duty;
        }

        var (lat, lon) = PointIn(grid);
        var (title, description) = DemoTexts.Pick(random, DemoTexts.Cases[category]);
        var place = Place(grid);
        var urgency = random.NextDouble() switch
        {
            < 0.5 => Urgency.Low,
            < 0.9 => Urgency.Medium,
            _ => Urgency.High,
        };
        var reporter = DemoTexts.Person(random);
        var phone = DemoTexts.Phone(random);
        var number = ++serial;
        var intake = new CaseIntake(
            channel, category, urgency, title, string.Format(CultureInfo.InvariantCulture, description, place), lat, lon,
            Address: place, ReporterName: reporter, ReporterPhone: phone, PartyCount: random.Next(2, 7),
            Amount: category is "04" or "06" or "08" or "10" ? random.Next(5, 400) * 1000m : null,
            Hotline: channel == CaseChannel.Hotline ? new HotlineOrder($"12345-{ChinaDay(now)}-{number:0000}", reporter, phone) : null,
            ReferralNumber: referralNumber);
        return (intake, actor);
    }

    private static string ChinaDay(DateTimeOffset now) => ChinaDate.Of(now).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>A point a little way from the grid's interior point, still inside the grid.</summary>
    private (double Lat, double Lon) PointIn(string grid)
    {
        var (lat, lon) = directory.PointInside(grid)!.Value;
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var (tryLat, tryLon) = DemoPatrol.Move(lat, lon, random.NextDouble() * 360, random.NextDouble() * 200);
            if (directory.LocateGrid(tryLat, tryLon)?.Code == grid)
            {
                return (tryLat, tryLon);
            }
        }

        return (lat, lon);
    }

    private string Place(string grid)
    {
        var village = directory.FindRegion(grid[..12]);
        var township = directory.FindRegion(grid[..9]);
        return $"{township?.Name}{village?.Name}";
    }

    private T Weighted<T>((T Value, int Weight)[] table)
    {
        var pick = random.Next(table.Sum(t => t.Weight));
        foreach (var (value, weight) in table)
        {
            if (pick < weight)
            {
                return value;
            }

            pick -= weight;
        }

        return table[^1].Value;
    }

    private static void Collect(Command.Grains.Regions.RegionInfo region, List<string> grids)
    {
        if (region.Level == RegionLevel.Grid)
        {
            grids.Add(region.Code);
        }

        foreach (var child in region.Children)
        {
            Collect(child, grids);
        }
    }
}
