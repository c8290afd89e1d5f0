using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

public sealed class CronScheduleTimeZoneTests
{
    [Theory]
    [InlineData("UTC")]
    [InlineData("Etc/UTC")]
    public void Utc_names_map_to_the_utc_zone(string name)
    {
        Assert.True(CronSchedule.TryFindZone(name, out var zone));
        Assert.Same(TimeZoneInfo.Utc, zone);
    }

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Asia/Kolkata")]
    [InlineData("Australia/Lord_Howe")]
    public void Iana_names_are_found(string name)
    {
        Assert.True(CronSchedule.TryFindZone(name, out var zone));
        Assert.Equal(name, zone!.Id);
        Assert.True(zone.HasIanaId);
    }

    [Theory]
    [InlineData("W. Europe Standard Time")]
    [InlineData("Eastern Standard Time")]
    [InlineData("Pacific Standard Time")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Local")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("../../etc/passwd")]
    public void Windows_names_and_unknown_names_are_refused(string name)
    {
        Assert.False(CronSchedule.TryFindZone(name, out _));

        var parsed = CronSchedule.TryParse("*/5 * * * *", name, out var schedule, out var error);

        Assert.False(parsed);
        Assert.Null(schedule);
        Assert.Equal($"unknown time zone '{name}' (use an IANA name such as UTC or Europe/Berlin)", error);
    }

    [Fact]
    public void A_name_longer_than_100_characters_is_refused()
    {
        Assert.False(CronSchedule.TryFindZone("Europe/" + new string('x', 94), out _));
    }

    [Fact]
    public void The_zone_is_checked_before_the_expression()
    {
        CronSchedule.TryParse("* * * *", "Nowhere/Land", out _, out var error);

        Assert.Equal("unknown time zone 'Nowhere/Land' (use an IANA name such as UTC or Europe/Berlin)", error);
    }

    [Theory]
    // 09:00 Berlin: CET (UTC+1) until 29 March 2026, CEST (UTC+2) from then on, CET again from 25 October.
    [InlineData("0 9 * * *", "2026-03-27T12:00:00Z", new[] { "2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z" })]
    [InlineData("0 9 * * *", "2026-10-23T12:00:00Z", new[] { "2026-10-24T07:00:00Z", "2026-10-25T08:00:00Z", "2026-10-26T08:00:00Z" })]
    // 02:30 does not exist on 29 March: the occurrence moves to the first valid time after the gap (03:00 CEST).
    [InlineData("30 2 * * *", "2026-03-28T12:00:00Z", new[] { "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z" })]
    // 02:30 happens twice on 25 October: a fixed time runs once, at the first of the two.
    [InlineData("30 2 * * *", "2026-10-24T12:00:00Z", new[] { "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z" })]
    // An interval runs through both copies of the repeated hour.
    [InlineData("*/30 * * * *", "2026-10-24T23:50:00Z", new[] { "2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z" })]
    public void Reads_the_expression_in_the_zone_across_daylight_saving_changes(string cron, string after, string[] expected)
    {
        var schedule = CronSchedule.Parse(cron, "Europe/Berlin");

        var occurrences = new List<DateTimeOffset>();
        var current = Times.At(after);
        foreach (var _ in expected)
        {
            current = schedule.NextAfter(current)!.Value;
            occurrences.Add(current);
        }

        Assert.Equal(expected.Select(Times.At), occurrences);
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Etc/UTC")]
    public void Utc_schedules_ignore_daylight_saving(string zone)
    {
        var schedule = CronSchedule.Parse("0 9 * * *", zone);

        Assert.Equal(Times.At("2026-03-29T09:00:00Z"), schedule.NextAfter(Times.At("2026-03-28T12:00:00Z")));
    }
}
