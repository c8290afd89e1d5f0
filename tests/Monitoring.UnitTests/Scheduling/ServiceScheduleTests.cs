using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

public sealed class ServiceScheduleTests
{
    private static readonly SpreadLimits MaxSpread = SpreadLimits.Tight;

    [Theory]
    [InlineData("*/5 * * * *", "UTC", 7, "2026-11-27T10:00:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:10:00Z")]
    [InlineData("*/5 * * * *", "UTC", 7, "2026-11-27T10:03:00Z", "2026-11-27T10:05:00Z", "2026-11-27T10:10:00Z")]
    [InlineData("* * * * * *", "UTC", 3, "2026-11-27T10:00:00Z", "2026-11-27T10:00:01Z", "2026-11-27T10:00:02Z")]
    [InlineData("0 9 * * *", "Europe/Berlin", 1, "2026-03-28T12:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z")]
    public void Fires_each_occurrence_at_the_occurrence_plus_the_spread_for_its_gap(string cron, string zone, long serviceId, string after, string occurrence, string following)
    {
        var schedule = new ServiceSchedule(CronSchedule.Parse(cron, zone), serviceId, MaxSpread);

        var next = schedule.NextAfter(Times.At(after));

        var gap = Times.At(following) - Times.At(occurrence);
        Assert.Equal(new ScheduledCheck(Times.At(occurrence), Times.At(occurrence) + SpreadOffset.For(serviceId, MaxSpread, gap)), next);
    }

    [Fact]
    public void An_every_second_schedule_is_spread_over_at_most_a_tenth_of_a_second()
    {
        var schedule = new ServiceSchedule(CronSchedule.Parse("* * * * * *", "UTC"), 1, MaxSpread);

        var next = schedule.NextAfter(Times.At("2026-11-27T10:00:00Z"))!.Value;

        Assert.Equal(TimeSpan.FromMilliseconds(61), next.FireAt - next.Occurrence);
    }

    [Fact]
    public void A_schedule_that_never_occurs_has_no_next_check()
    {
        var schedule = new ServiceSchedule(CronSchedule.Parse("0 0 30 2 *", "UTC"), 1, MaxSpread);

        Assert.Null(schedule.NextAfter(Times.At("2026-01-01T00:00:00Z")));
        Assert.Null(schedule.NextFiringAfter(Times.At("2026-01-01T00:00:00Z")));
    }

    [Fact]
    public void The_next_firing_may_belong_to_an_occurrence_just_before_the_time()
    {
        // Service 1 fires 618 ms after each occurrence.
        var schedule = new ServiceSchedule(CronSchedule.Parse("*/5 * * * *", "UTC"), 1, MaxSpread);

        var next = schedule.NextFiringAfter(Times.At("2026-11-27T10:05:00.300Z"));

        Assert.Equal(new ScheduledCheck(Times.At("2026-11-27T10:05:00Z"), Times.At("2026-11-27T10:05:00.618Z")), next);
    }

    [Theory]
    [InlineData("2026-11-27T10:04:59.999Z", "2026-11-27T10:05:00Z")]
    [InlineData("2026-11-27T10:05:00Z", "2026-11-27T10:05:00Z")]
    [InlineData("2026-11-27T10:05:00.617Z", "2026-11-27T10:05:00Z")]
    [InlineData("2026-11-27T10:05:00.618Z", "2026-11-27T10:10:00Z")]
    [InlineData("2026-11-27T10:07:00Z", "2026-11-27T10:10:00Z")]
    public void The_next_firing_is_strictly_after_the_time(string time, string expectedOccurrence)
    {
        var schedule = new ServiceSchedule(CronSchedule.Parse("*/5 * * * *", "UTC"), 1, MaxSpread);

        var next = schedule.NextFiringAfter(Times.At(time))!.Value;

        Assert.Equal(Times.At(expectedOccurrence), next.Occurrence);
        Assert.Equal(Times.At(expectedOccurrence) + TimeSpan.FromMilliseconds(618), next.FireAt);
    }

    [Theory]
    [InlineData("*/5 * * * *", "UTC", 600)]
    [InlineData("* * * * * *", "UTC", 5)]
    [InlineData("*/30 * * * *", "Europe/Berlin", 3600)]
    [InlineData("0 9 * * *", "Europe/Berlin", 172_800)]
    public void The_next_firing_is_the_first_firing_after_the_time(string cron, string zone, int lookBackSeconds)
    {
        var random = new Random(20260329);
        var start = Times.At("2026-03-27T00:00:00Z");
        for (var i = 0; i < 300; i++)
        {
            var serviceId = random.NextInt64(1, 1_000_000);
            var schedule = new ServiceSchedule(CronSchedule.Parse(cron, zone), serviceId, MaxSpread);
            var time = start + TimeSpan.FromMilliseconds(random.NextInt64(0, (long)TimeSpan.FromDays(3).TotalMilliseconds));

            var next = schedule.NextFiringAfter(time)!.Value;

            // Brute force: walk the occurrences from well before the time.
            var walk = schedule.NextAfter(time - TimeSpan.FromSeconds(lookBackSeconds))!.Value;
            Assert.True(walk.FireAt <= time);
            while (walk.FireAt <= time)
            {
                walk = schedule.NextAfter(walk.Occurrence)!.Value;
            }

            Assert.Equal(walk, next);
        }
    }
}
