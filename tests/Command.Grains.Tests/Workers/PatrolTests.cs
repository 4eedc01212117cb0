using Command.Grains.Workers;

namespace Command.Grains.Tests.Workers;

public sealed class PatrolTests
{
    private static readonly DateOnly Day = new(2026, 11, 2);
    private static readonly DateTimeOffset Morning = ChinaDate.StartOf(Day).AddHours(8);

    [Fact]
    public void Gaps_up_to_two_hours_count_as_online_and_longer_ones_do_not()
    {
        PositionFix[] fixes =
        [
            new(1, Morning.ToUnixTimeMilliseconds(), 40.0, 111.0),
            new(1, Morning.AddHours(2).ToUnixTimeMilliseconds(), 40.0, 111.0),    // gap of exactly 2 h: online
            new(1, Morning.AddHours(5).ToUnixTimeMilliseconds(), 40.0, 111.0),    // gap of 3 h: not
            new(1, Morning.AddHours(5.5).ToUnixTimeMilliseconds(), 40.01, 111.0), // 30 min and 1.11 km
        ];

        var day = PatrolTracker.Compute(Day, fixes, TimeSpan.FromHours(2));

        Assert.Equal(TimeSpan.FromHours(2.5), day.Online);
        Assert.Equal(2.5, day.Hours);
        Assert.InRange(day.DistanceMetres, 1105, 1120);
        Assert.Equal(4, day.Positions);
    }

    [Fact]
    public void A_jump_faster_than_a_car_adds_no_distance()
    {
        PositionFix[] fixes =
        [
            new(1, Morning.ToUnixTimeMilliseconds(), 40.0, 111.0),
            new(1, Morning.AddSeconds(10).ToUnixTimeMilliseconds(), 40.1, 111.0), // 11 km in 10 s: a GPS glitch
        ];

        Assert.Equal(0, PatrolTracker.Compute(Day, fixes, TimeSpan.FromHours(2)).DistanceMetres);
    }
}
