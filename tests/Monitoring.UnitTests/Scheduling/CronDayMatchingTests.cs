using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

/// <summary>Day-of-month and day-of-week: either matches when both are restricted (POSIX, Vixie, cron-parser).</summary>
public sealed class CronDayMatchingTests
{
    [Theory]
    // 2026-06-01 is a Monday. Both restricted: the 1st–7th OR any Monday.
    [InlineData("0 0 1-7 * 1", "2026-06-07T00:00:00Z", new[] { "2026-06-08T00:00:00Z", "2026-06-15T00:00:00Z", "2026-06-22T00:00:00Z", "2026-06-29T00:00:00Z", "2026-07-01T00:00:00Z", "2026-07-02T00:00:00Z" })]
    // Friday the 13th style: every 13th and every Friday.
    [InlineData("0 12 13 * FRI", "2026-11-01T00:00:00Z", new[] { "2026-11-06T12:00:00Z", "2026-11-13T12:00:00Z", "2026-11-20T12:00:00Z", "2026-11-27T12:00:00Z", "2026-12-04T12:00:00Z" })]
    [InlineData("0 0 0 15 * 0", "2026-11-01T00:00:00Z", new[] { "2026-11-08T00:00:00Z", "2026-11-15T00:00:00Z", "2026-11-22T00:00:00Z" })]
    // A day field left * changes nothing: only the other field decides.
    [InlineData("0 0 1-7 * *", "2026-06-06T00:00:00Z", new[] { "2026-06-07T00:00:00Z", "2026-07-01T00:00:00Z" })]
    [InlineData("0 0 * * 1", "2026-06-01T00:00:00Z", new[] { "2026-06-08T00:00:00Z", "2026-06-15T00:00:00Z" })]
    [InlineData("0 0 ? * MON", "2026-06-01T00:00:00Z", new[] { "2026-06-08T00:00:00Z" })]
    // A range covering every day is a wildcard, as in cron-parser: the other field decides alone.
    [InlineData("0 0 1-31 * 1", "2026-06-01T00:00:00Z", new[] { "2026-06-08T00:00:00Z" })]
    [InlineData("0 0 1 * 0-6", "2026-06-01T00:00:00Z", new[] { "2026-07-01T00:00:00Z" })]
    [InlineData("0 0 1 * 0-7", "2026-06-01T00:00:00Z", new[] { "2026-07-01T00:00:00Z" })]
    [InlineData("0 0 1 * SUN-SAT", "2026-06-01T00:00:00Z", new[] { "2026-07-01T00:00:00Z" })]
    // Stepped fields are restrictions: every odd day or any Sunday.
    [InlineData("0 0 */2 * 0", "2026-06-01T00:00:00Z", new[] { "2026-06-03T00:00:00Z", "2026-06-05T00:00:00Z", "2026-06-07T00:00:00Z", "2026-06-09T00:00:00Z" })]
    // Last day of the month or any Wednesday.
    [InlineData("0 0 L * WED", "2026-06-24T00:00:00Z", new[] { "2026-06-30T00:00:00Z", "2026-07-01T00:00:00Z" })]
    public void Either_day_field_matches_when_both_are_restricted(string cron, string after, string[] expected)
    {
        var schedule = CronSchedule.Parse(cron, "UTC");

        var occurrences = new List<DateTimeOffset>();
        var from = Times.At(after);
        foreach (var _ in expected)
        {
            from = schedule.NextAfter(from)!.Value;
            occurrences.Add(from);
        }

        Assert.Equal(expected.Select(Times.At), occurrences);
    }

    [Fact]
    public void An_impossible_day_of_month_still_fires_on_its_weekday_of_that_month()
    {
        var schedule = CronSchedule.Parse("0 0 30 2 MON", "UTC");

        Assert.True(schedule.EverFires);
        Assert.Equal(Times.At("2027-02-01T00:00:00Z"), schedule.NextAfter(Times.At("2026-06-01T00:00:00Z")));
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("?", true)]
    [InlineData("*/1", true)]
    [InlineData("1-31", true)]
    [InlineData("1-15,16-31", true)]
    [InlineData("1-7", false)]
    [InlineData("*/2", false)]
    [InlineData("L", false)]
    [InlineData("15W", false)]
    [InlineData("1", false)]
    public void Day_of_month_field_coverage(string field, bool unrestricted) =>
        Assert.Equal(unrestricted, CronDayField.DayOfMonthIsUnrestricted(field));

    [Theory]
    [InlineData("*", true)]
    [InlineData("?", true)]
    [InlineData("0-6", true)]
    [InlineData("1-7", true)]
    [InlineData("0-7", true)]
    [InlineData("SUN-SAT", true)]
    [InlineData("mon-sun", false)]
    [InlineData("MON", false)]
    [InlineData("1-5", false)]
    [InlineData("5#3", false)]
    [InlineData("5L", false)]
    public void Day_of_week_field_coverage(string field, bool unrestricted) =>
        Assert.Equal(unrestricted, CronDayField.DayOfWeekIsUnrestricted(field));
}
