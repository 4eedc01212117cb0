using Command.Grains.Cases;
using Microsoft.Extensions.Options;

namespace Command.Grains.Tests.Cases;

public sealed class WorkCalendarTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    [Fact]
    public void A_working_day_skips_weekends_and_holidays_and_counts_make_up_saturdays()
    {
        // 2026-10-01..07 is the National Day holiday; Saturday 2026-10-10 is a make-up working day.
        var options = new CalendarOptions
        {
            Holidays = [.. Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d))],
            Workdays = [new DateOnly(2026, 10, 10)],
        };
        var calendar = new WorkCalendar(Options.Create(options));

        Assert.Equal(new DateTimeOffset(2026, 10, 8, 10, 0, 0, China), calendar.Add(new DateTimeOffset(2026, 9, 30, 10, 0, 0, China), TimeSpan.FromDays(1)));
        Assert.Equal(new DateTimeOffset(2026, 10, 10, 10, 0, 0, China), calendar.Add(new DateTimeOffset(2026, 10, 9, 10, 0, 0, China), TimeSpan.FromDays(1)));
        Assert.Equal(new DateTimeOffset(2026, 10, 12, 10, 0, 0, China), calendar.Add(new DateTimeOffset(2026, 10, 10, 10, 0, 0, China), TimeSpan.FromDays(1)));

        // Time on a holiday does not count: dispatched during it, the clock starts the next working day.
        Assert.Equal(new DateTimeOffset(2026, 10, 9, 0, 0, 0, China), calendar.Add(new DateTimeOffset(2026, 10, 3, 15, 0, 0, China), TimeSpan.FromDays(1)));
        Assert.Equal(new DateTimeOffset(2026, 10, 8, 0, 0, 30, China), calendar.Add(new DateTimeOffset(2026, 10, 3, 15, 0, 0, China), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Without_working_days_only_every_day_counts()
    {
        var calendar = new WorkCalendar(Options.Create(new CalendarOptions { WorkingDaysOnly = false }));
        var saturday = new DateTimeOffset(2026, 11, 7, 10, 0, 0, China);
        Assert.Equal(saturday.AddSeconds(30), calendar.Add(saturday, TimeSpan.FromSeconds(30)));
    }
}
