using Monitoring.Grains.Heartbeats;
using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Heartbeats;

/// <summary>When a heartbeat's reports are due: deadlines, windows, a grace longer than the interval, DST, catch-up bounds.</summary>
public sealed class HeartbeatScheduleTests
{
    private static HeartbeatSchedule Every(string cron, int graceSeconds, string zone = "UTC") =>
        new(CronSchedule.Parse(cron, zone), TimeSpan.FromSeconds(graceSeconds));

    private static string[] Describe(IEnumerable<HeartbeatDue> dues) =>
        dues.Select(d => $"{d.Previous:HH:mm:ss}>{d.Occurrence:HH:mm:ss}>{d.Deadline:HH:mm:ss}").ToArray();

    [Fact]
    public void Deadlines_in_a_range_are_the_occurrences_plus_grace_each_with_the_occurrence_before_it()
    {
        var dues = Every("* * * * *", 30).Between(Times.At("2026-05-01T11:59:00Z"), Times.At("2026-05-01T12:03:00Z"), 100, out var skipped);

        Assert.Equal(["11:59:00>12:00:00>12:00:30", "12:00:00>12:01:00>12:01:30", "12:01:00>12:02:00>12:02:30"], Describe(dues));
        Assert.Equal(0, skipped);
    }

    [Theory]
    [InlineData("2026-05-01T12:00:30Z", true)] // the deadline itself: just in time
    [InlineData("2026-05-01T12:00:29.999Z", true)] // just before the deadline
    [InlineData("2026-05-01T12:00:30.001Z", false)] // just after: too late for this occurrence
    [InlineData("2026-05-01T11:59:00.001Z", true)] // just after the occurrence before
    [InlineData("2026-05-01T11:59:00Z", false)] // at the occurrence before: it counted for that one's window
    [InlineData("2026-05-01T11:59:45Z", true)] // before the occurrence (a job that reports early)
    public void A_report_counts_when_it_lies_after_the_occurrence_before_and_no_later_than_the_deadline(string reportedAt, bool covers)
    {
        var due = Every("* * * * *", 30).NextAfter(Times.At("2026-05-01T11:59:00Z"))!.Value;

        Assert.Equal(Times.At("2026-05-01T12:00:30Z"), due.Deadline);
        Assert.Equal(covers, due.Covers(Times.At(reportedAt)));
    }

    [Fact]
    public void A_report_just_after_a_deadline_misses_that_occurrence_and_counts_for_the_next()
    {
        var schedule = Every("* * * * *", 30);
        var late = Times.At("2026-05-01T12:00:30.001Z");
        var dues = schedule.Between(Times.At("2026-05-01T11:59:00Z"), Times.At("2026-05-01T12:01:30Z"), 10, out _);

        Assert.Equal([false, true], dues.Select(d => d.Covers(late)).ToArray());
    }

    [Fact]
    public void A_grace_longer_than_the_interval_gives_overlapping_windows_each_decided_at_its_own_deadline()
    {
        // Every minute with five minutes of grace: the 11:56 occurrence is decided at 12:01.
        var schedule = Every("* * * * *", 300);
        var dues = schedule.Between(Times.At("2026-05-01T11:55:00Z"), Times.At("2026-05-01T12:02:00Z"), 100, out _);

        Assert.Equal(["11:55:00>11:56:00>12:01:00", "11:56:00>11:57:00>12:02:00"], Describe(dues));

        // A job that reports every minute but four minutes late still covers every window.
        var reports = Enumerable.Range(0, 10).Select(i => Times.At("2026-05-01T11:50:00Z").AddMinutes(i).AddMinutes(4)).ToArray();
        Assert.All(dues, d => Assert.Contains(reports, d.Covers));
    }

    [Fact]
    public void A_job_that_stops_reporting_is_missed_at_each_later_deadline_once()
    {
        var schedule = Every("*/10 * * * * *", 5);
        var lastReport = Times.At("2026-05-01T12:00:01Z");
        var dues = schedule.Between(Times.At("2026-05-01T11:59:59Z"), Times.At("2026-05-01T12:01:00Z"), 100, out _);
        var missed = dues.Where(d => !d.Covers(lastReport)).Select(d => d.Deadline).ToArray();

        // 12:00:00 (deadline 12:00:05) got the report; 12:00:10 too (the report lies after 12:00:00); then every occurrence is missed.
        Assert.Equal(
            new[] { "12:00:25", "12:00:35", "12:00:45", "12:00:55" },
            missed.Select(t => t.ToString("HH:mm:ss")).ToArray());
    }

    [Fact]
    public void Spring_forward_in_the_schedule_zone_moves_the_occurrence_and_the_window_with_it()
    {
        // Europe/Berlin, 02:30 every day; on 2026-03-29 02:00-03:00 does not exist.
        var schedule = Every("30 2 * * *", 600, "Europe/Berlin");
        var dues = schedule.Between(Times.At("2026-03-28T00:00:00Z"), Times.At("2026-03-31T00:00:00Z"), 10, out _);
        var occurrences = dues.Select(d => d.Occurrence).ToArray();

        Assert.Equal(3, dues.Count);
        Assert.Equal(Times.At("2026-03-28T01:30:00Z"), occurrences[0]);
        Assert.Equal(Times.At("2026-03-30T00:30:00Z"), occurrences[2]);

        // The skipped local time still gives one occurrence that day, between the others; each window starts where the one before ended.
        Assert.InRange(occurrences[1], occurrences[0].AddHours(22), occurrences[2].AddHours(-22));
        Assert.Equal(occurrences[0], dues[1].Previous);
        Assert.Equal(occurrences[1], dues[2].Previous);
        Assert.All(dues, d => Assert.Equal(d.Occurrence.AddMinutes(10), d.Deadline));
    }

    [Fact]
    public void Fall_back_in_the_schedule_zone_gives_one_deadline_for_the_repeated_hour()
    {
        // Europe/Berlin, 02:30 every day; on 2026-10-25 02:00-03:00 happens twice.
        var schedule = Every("30 2 * * *", 60, "Europe/Berlin");
        var dues = schedule.Between(Times.At("2026-10-24T00:00:00Z"), Times.At("2026-10-27T00:00:00Z"), 10, out _);

        Assert.Equal(3, dues.Count);
        Assert.Equal(Times.At("2026-10-24T00:30:00Z"), dues[0].Occurrence);
        Assert.Equal(Times.At("2026-10-26T01:30:00Z"), dues[2].Occurrence);
        Assert.Equal(dues[1].Occurrence, dues[2].Previous);
    }

    [Fact]
    public void The_occurrence_before_a_yearly_one_is_found_a_year_back()
    {
        var schedule = Every("0 0 1 1 *", 60);

        Assert.Equal(Times.At("2026-01-01T00:00:00Z"), schedule.PreviousBefore(Times.At("2027-01-01T00:00:00Z")));
        Assert.Equal(Times.At("2026-01-01T00:00:00Z"), schedule.NextAfter(Times.At("2026-06-01T00:00:00Z"))!.Value.Previous);
    }

    [Fact]
    public void A_catch_up_keeps_the_newest_deadlines_and_says_how_many_older_ones_it_left_out()
    {
        var dues = Every("* * * * * *", 0).Between(Times.At("2026-05-01T12:00:00Z"), Times.At("2026-05-01T13:00:00Z"), 1000, out var skipped);

        Assert.Equal(1000, dues.Count);
        Assert.Equal(2600, skipped);
        Assert.Equal(Times.At("2026-05-01T13:00:00Z"), dues[^1].Deadline);
        Assert.Equal(Times.At("2026-05-01T12:43:21Z"), dues[0].Deadline);
    }

    [Fact]
    public void A_catch_up_far_behind_takes_the_newest_deadlines_without_walking_there()
    {
        var dues = Every("* * * * * *", 0).Between(Times.At("2026-05-01T00:00:00Z"), Times.At("2026-05-08T00:00:00Z"), 1000, out var skipped);

        Assert.Equal(1000, dues.Count);
        Assert.Equal(-1, skipped);
        Assert.Equal(Times.At("2026-05-08T00:00:00Z"), dues[^1].Deadline);
        Assert.Equal(Times.At("2026-05-07T23:43:21Z"), dues[0].Deadline);
        Assert.All(dues.Skip(1).Zip(dues), pair => Assert.Equal(pair.Second.Occurrence, pair.First.Previous));
    }

    [Fact]
    public void Occurrences_already_decided_are_not_given_again_whatever_the_grace()
    {
        var first = Every("* * * * *", 30).Between(Times.At("2026-05-01T11:59:00Z"), Times.At("2026-05-01T12:01:30Z"), 10, out _);
        var decided = first[^1].Occurrence;

        // The grace went up from 30 s to 10 min: 12:02 is the next occurrence, due at 12:12, not one already decided.
        var longer = Every("* * * * *", 600);
        Assert.Equal(Times.At("2026-05-01T12:01:00Z"), decided);
        Assert.Empty(longer.Between(decided, Times.At("2026-05-01T12:05:00Z"), 10, out _));
        Assert.Equal(Times.At("2026-05-01T12:12:00Z"), longer.NextAfter(decided)!.Value.Deadline);

        // It went down to 0: the pending 12:02 is decided at 12:02, none skipped.
        Assert.Equal([Times.At("2026-05-01T12:02:00Z")], Every("* * * * *", 0).Between(decided, Times.At("2026-05-01T12:02:30Z"), 10, out _).Select(d => d.Deadline).ToArray());
    }
}
