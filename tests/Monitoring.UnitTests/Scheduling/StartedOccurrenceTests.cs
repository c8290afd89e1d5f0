using Microsoft.Extensions.Options;
using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

/// <summary>
/// Which occurrence a grain takes as its last started at activation, when all it knows is when its last scheduled check
/// started (service_status.checked_at), and the catch-up it then arms. An offset may reach almost the whole gap, so a
/// check a little late starts after the next occurrence's bare time: that occurrence must still run, once.
/// </summary>
public sealed class StartedOccurrenceTests
{
    private static readonly DateTimeOffset Occurrence = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The first id whose offset share of its window lies in [from, to).</summary>
    private static long IdWithShare(double from, double to, SpreadLimits limits, TimeSpan gap)
    {
        for (long id = 1; ; id++)
        {
            var share = SpreadOffset.For(id, limits, gap) / limits.WindowFor(gap);
            if (share >= from && share < to)
            {
                return id;
            }
        }
    }

    [Theory]
    // cron, offset share of the window, lag of the check after its planned time (ms), expected: the next occurrence still runs
    [InlineData("* * * * * *", 0.98, 30)] // planned at :00.98+, started at :01.01: after :01's bare time
    [InlineData("* * * * * *", 0.98, 400)]
    [InlineData("*/10 * * * * *", 0.999, 20)] // a small fleet: a 5-s window, so no ambiguity
    [InlineData("* * * * * *", 0.10, 30)]
    [InlineData("*/2 * * * * *", 0.97, 100)]
    public void A_late_check_of_one_occurrence_does_not_count_the_next_as_started(string cron, double share, int lagMs)
    {
        var limits = new ScheduleOptions().Spread;
        var parsed = CronSchedule.Parse(cron, "UTC");
        var gap = parsed.NextAfter(Occurrence)!.Value - Occurrence;
        var id = IdWithShare(share, 1, limits, gap);
        var schedule = new ServiceSchedule(parsed, id, limits);
        var ran = schedule.NextAfter(Occurrence.AddTicks(-1))!.Value;
        var next = schedule.NextAfter(ran.Occurrence)!.Value;
        var checkedAt = ran.FireAt.AddMilliseconds(lagMs);
        var cursor = new ScheduleCursor(schedule);

        var started = cursor.StartedBy(checkedAt);

        Assert.InRange(started, ran.Occurrence, next.Occurrence.AddTicks(-1));
        var step = cursor.Resume(started, checkedAt.AddMilliseconds(5));
        Assert.Equal(next.Occurrence, step.Arm!.Value.Occurrence);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(4_000)] // late, but under the smallest cap (5 s): still read as the occurrence before
    public void A_late_check_of_a_fleet_grown_minute_cron_does_not_count_the_next_as_started(int lagMs)
    {
        var policy = new SpreadPolicy(Options.Create(new ScheduleOptions()));
        policy.Census(new Dictionary<string, int> { ["* * * * *"] = 200_000 }, 1);
        var parsed = CronSchedule.Parse("* * * * *", "UTC");
        var id = IdWithShare(0.998, 1, policy.For("* * * * *"), TimeSpan.FromMinutes(1));
        var schedule = new ServiceSchedule(parsed, id, policy, "* * * * *");
        var ran = schedule.NextAfter(Occurrence.AddTicks(-1))!.Value;
        var checkedAt = ran.FireAt.AddMilliseconds(lagMs);
        Assert.True(checkedAt > Occurrence.AddMinutes(1), "the check must start after the next occurrence's bare time");

        var started = new ScheduleCursor(schedule).StartedBy(checkedAt);

        Assert.InRange(started, ran.Occurrence, Occurrence.AddMinutes(1).AddTicks(-1));
    }

    [Fact]
    public void The_old_reading_skipped_the_next_occurrence()
    {
        // Why StartedBy exists: taking the start time itself as the last occurrence started skips :01 for good.
        var limits = new ScheduleOptions().Spread;
        var parsed = CronSchedule.Parse("* * * * * *", "UTC");
        var schedule = new ServiceSchedule(parsed, IdWithShare(0.98, 1, limits, TimeSpan.FromSeconds(1)), limits);
        var ran = schedule.NextAfter(Occurrence.AddTicks(-1))!.Value;
        var checkedAt = ran.FireAt.AddMilliseconds(30);
        var cursor = new ScheduleCursor(schedule);

        Assert.Equal(Occurrence.AddSeconds(2), cursor.Resume(checkedAt, checkedAt.AddMilliseconds(5)).Arm!.Value.Occurrence);
        Assert.Equal(Occurrence.AddSeconds(1), cursor.Resume(cursor.StartedBy(checkedAt), checkedAt.AddMilliseconds(5)).Arm!.Value.Occurrence);
    }

    [Theory]
    // cron, services on it in the fleet, silos before (the spread the check ran with), silos now (the spread at activation)
    [InlineData("*/5 * * * *", 10_000, 2, 1)] // a silo left: the window doubled from 10 s to 20 s
    [InlineData("*/5 * * * *", 20_000, 2, 1)] // 20 s to 40 s
    [InlineData("*/5 * * * *", 500_000, 2, 1)] // 300 s on both sides: held to MaxFleetSpread and the gap
    [InlineData("*/5 * * * *", 10_000, 1, 2)] // a silo joined: the window halved
    [InlineData("* * * * *", 20_000, 2, 1)] // 20 s to 40 s of a 60-s gap: the occurrence before lies within reach
    [InlineData("* * * * *", 40_000, 2, 1)] // 40 s to the whole gap
    [InlineData("* * * * *", 40_000, 1, 2)] // the whole gap to 40 s
    [InlineData("* * * * *", 27_000, 3, 1)] // three silos to one: 20 s to the whole gap
    [InlineData("* * * * *", 40_000, 8, 1)] // eight to one: 10 s to the whole gap
    public void A_check_that_ran_with_another_spread_still_counts_its_own_occurrence_once(string cron, int fleet, int silosBefore, int silosNow)
    {
        var before = new SpreadPolicy(Options.Create(new ScheduleOptions()));
        before.Census(new Dictionary<string, int> { [cron] = fleet }, silosBefore);
        var now = new SpreadPolicy(Options.Create(new ScheduleOptions()));
        now.Census(new Dictionary<string, int> { [cron] = fleet }, silosNow);
        var parsed = CronSchedule.Parse(cron, "UTC");

        foreach (var id in Enumerable.Range(1, 300).Select(i => (long)i * 7919))
        {
            var ran = new ServiceSchedule(parsed, id, before, cron).NextAfter(Occurrence.AddTicks(-1))!.Value;
            var following = parsed.NextAfter(ran.Occurrence)!.Value;
            var checkedAt = ran.FireAt.AddMilliseconds(50);
            var cursor = new ScheduleCursor(new ServiceSchedule(parsed, id, now, cron));

            var started = cursor.StartedBy(checkedAt);

            Assert.InRange(started, ran.Occurrence, following.AddTicks(-1));
        }
    }

    [Fact]
    public void Without_a_spread_the_start_time_is_the_occurrence_started()
    {
        var cursor = new ScheduleCursor(new ServiceSchedule(CronSchedule.Parse("*/5 * * * *", "UTC"), 1, new SpreadLimits(TimeSpan.Zero, 0)));

        Assert.Equal(Occurrence.AddSeconds(3), cursor.StartedBy(Occurrence.AddSeconds(3)));
    }
}
