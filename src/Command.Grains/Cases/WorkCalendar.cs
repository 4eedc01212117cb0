using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Command.Grains.Cases;

/// <summary>The work calendar (section "Calendar"): which days count towards limits, in China time.</summary>
public sealed class CalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>When false every day counts (a demo that must run its loop on a Sunday).</summary>
    public bool WorkingDaysOnly { get; set; } = true;

    public List<DayOfWeek> Weekend { get; set; } = [DayOfWeek.Saturday, DayOfWeek.Sunday];

    /// <summary>Public holidays (法定节假日) that fall on weekdays.</summary>
    public List<DateOnly> Holidays { get; set; } = [];

    /// <summary>Weekend days that are working days (调休上班).</summary>
    public List<DateOnly> Workdays { get; set; } = [];

    /// <summary>Office hours on a working day (a grid worker offline outside them raises no warning).</summary>
    public TimeOnly WorkDayStart { get; set; } = new(8, 30);

    [Required]
    public TimeOnly WorkDayEnd { get; set; } = new(17, 30);
}

/// <summary>
/// Adds working time: only time on working days counts, so one working day from Friday 10:00 is Monday 10:00, and
/// a limit of 30 seconds is 30 seconds on a working day. All dates are China dates (UTC+8).
/// </summary>
public sealed class WorkCalendar(IOptions<CalendarOptions> options)
{
    private const int MaxDays = 3660;

    public bool IsWorkingDay(DateOnly day)
    {
        var o = options.Value;
        if (!o.WorkingDaysOnly)
        {
            return true;
        }

        if (o.Workdays.Contains(day))
        {
            return true;
        }

        return !o.Weekend.Contains(day.DayOfWeek) && !o.Holidays.Contains(day);
    }

    /// <summary>True during office hours on a working day.</summary>
    public bool IsWorkingHours(DateTimeOffset instant)
    {
        var o = options.Value;
        var local = instant.ToOffset(ChinaDate.Offset);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return IsWorkingDay(DateOnly.FromDateTime(local.DateTime)) && time >= o.WorkDayStart && time < o.WorkDayEnd;
    }

    /// <summary>Office hours of a day, or null when it is not a working day.</summary>
    public (DateTimeOffset Start, DateTimeOffset End)? OfficeHours(DateOnly day)
    {
        var o = options.Value;
        return IsWorkingDay(day) ? (ChinaDate.StartOf(day) + o.WorkDayStart.ToTimeSpan(), ChinaDate.StartOf(day) + o.WorkDayEnd.ToTimeSpan()) : null;
    }

    /// <summary>The instant when <paramref name="workingTime"/> of working-day time has passed since <paramref name="start"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset start, TimeSpan workingTime)
    {
        if (workingTime <= TimeSpan.Zero || !options.Value.WorkingDaysOnly)
        {
            return start + workingTime;
        }

        var cursor = start;
        var remaining = workingTime;
        for (var i = 0; i < MaxDays; i++)
        {
            var day = ChinaDate.Of(cursor);
            var next = ChinaDate.StartOf(day.AddDays(1));
            if (IsWorkingDay(day))
            {
                var available = next - cursor;
                if (remaining <= available)
                {
                    return cursor + remaining;
                }

                remaining -= available;
            }

            cursor = next;
        }

        throw new InvalidOperationException("The work calendar has no working day in ten years.");
    }
}
