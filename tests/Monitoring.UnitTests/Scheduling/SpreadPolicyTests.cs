using Microsoft.Extensions.Options;
using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

public sealed class SpreadPolicyTests
{
    private static readonly DateTimeOffset Monday0900 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 5)]
    [InlineData(2_500, 5)] // 500 a second over 5 s
    [InlineData(2_501, 10)]
    [InlineData(5_000, 10)]
    [InlineData(5_001, 20)]
    [InlineData(50_000, 160)]
    [InlineData(75_000, 160)]
    [InlineData(80_001, 300)] // 320 s would be needed: held to MaxFleetSpread
    [InlineData(700_000, 300)]
    public void The_cap_doubles_from_MaxSpread_until_the_sharers_fit_the_rate_and_stops_at_MaxFleetSpread(int sharers, int capSeconds)
    {
        var limits = SpreadPolicy.For(new ScheduleOptions(), sharers);

        Assert.Equal(TimeSpan.FromSeconds(capSeconds), limits.Max);
        Assert.Equal(new ScheduleOptions().SpreadFraction, limits.Fraction);
    }

    [Theory]
    [InlineData("*/5 * * * *", 700_000, 300)] // the whole 5-minute gap, which is also MaxFleetSpread
    [InlineData("* * * * *", 200_000, 60)]
    [InlineData("*/30 * * * * *", 100_000, 30)]
    [InlineData("*/10 * * * * *", 20_000, 10)] // the engine benchmark's fleet: the gap bounds it
    [InlineData("*/10 * * * * *", 2_000, 5)] // a small fleet keeps MaxSpread
    [InlineData("0 9 * * *", 1_000_000, 300)] // a daily check at 09:00 starts by 09:05 whatever the fleet
    [InlineData("0 9 * * *", 100, 5)]
    [InlineData("*/5 * * * *", 2_000, 5)]
    public void The_longest_offset_a_service_gets_is_bounded_by_the_gap_and_MaxFleetSpread(string cron, int sharers, int windowSeconds)
    {
        var parsed = CronSchedule.Parse(cron, "UTC");
        var first = parsed.NextAfter(Monday0900.AddTicks(-1))!.Value;
        var gap = parsed.NextAfter(first)!.Value - first;

        Assert.Equal(TimeSpan.FromSeconds(windowSeconds), SpreadPolicy.For(new ScheduleOptions(), sharers).WindowFor(gap));
    }

    [Theory]
    [InlineData(0, 5)] // SpreadChecksPerSecond 0: every cron keeps MaxSpread
    [InlineData(500, 0)] // MaxSpread 0: no spread at all
    public void Switched_off_or_without_a_spread_the_cap_stays_MaxSpread(int checksPerSecond, int maxSpreadSeconds)
    {
        var options = new ScheduleOptions { SpreadChecksPerSecond = checksPerSecond, MaxSpread = TimeSpan.FromSeconds(maxSpreadSeconds) };

        Assert.Equal(TimeSpan.FromSeconds(maxSpreadSeconds), SpreadPolicy.For(options, 1_000_000).Max);
    }

    [Theory]
    [InlineData(10_000, 1, 10_000)]
    [InlineData(10_000, 2, 5_000)]
    [InlineData(10_001, 2, 5_001)] // rounded up
    [InlineData(10_000, 0, 10_000)] // no active silo listed yet: this one takes them all
    public void A_silo_counts_its_part_of_the_fleet_on_a_cron(int fleet, int silos, int perSilo)
    {
        var policy = new SpreadPolicy(Options.Create(new ScheduleOptions()));

        policy.Census(new Dictionary<string, int> { ["*/5 * * * *"] = fleet }, silos);

        Assert.Equal(perSilo, policy.SharersPerSilo("*/5 * * * *"));
        Assert.Equal(perSilo, policy.SharersPerSilo(" */5 * * * * "));
        Assert.Equal(0, policy.SharersPerSilo("* * * * *"));
    }

    [Theory]
    [InlineData(0, 1, 3_000, 3_000)] // nothing counted yet: what joined alone
    [InlineData(10_000, 2, 3_000, 8_000)] // this silo's half of the census, and what joined here since
    [InlineData(10_000, 1, 0, 10_000)]
    public void Services_that_join_a_cron_between_two_censuses_count_at_once_and_the_next_census_takes_their_place(int fleet, int silos, int joined, int perSilo)
    {
        var policy = new SpreadPolicy(Options.Create(new ScheduleOptions()));
        policy.Census(new Dictionary<string, int> { ["*/5 * * * *"] = fleet }, silos);

        for (var i = 0; i < joined; i++)
        {
            policy.Joined(i, i % 2 == 0 ? "*/5 * * * *" : " */5 * * * * ");
        }

        Assert.Equal(perSilo, policy.SharersPerSilo("*/5 * * * *"));
        Assert.Equal(0, policy.SharersPerSilo("* * * * *"));

        // The next sweep counted them in the table, for every silo.
        policy.Census(new Dictionary<string, int> { ["*/5 * * * *"] = fleet + joined }, silos);
        Assert.Equal((fleet + joined + silos - 1) / silos, policy.SharersPerSilo("*/5 * * * *"));
    }

    [Fact]
    public void A_service_counts_once_however_often_it_joins_and_stops_counting_when_it_leaves()
    {
        var policy = new SpreadPolicy(Options.Create(new ScheduleOptions()));
        policy.Census(new Dictionary<string, int> { ["*/5 * * * *"] = 100 }, 1);

        // Enabled again and again (a client toggling it): once.
        policy.Joined(7, "*/5 * * * *");
        policy.Joined(7, "*/5 * * * *");
        Assert.Equal(101, policy.SharersPerSilo("*/5 * * * *"));

        // Moved to another cron: counted there only.
        policy.Joined(7, "* * * * *");
        Assert.Equal((100, 1), (policy.SharersPerSilo("*/5 * * * *"), policy.SharersPerSilo("* * * * *")));

        // Disabled: gone; one the census counted is not taken off (left as counted until the next census).
        policy.Left(7);
        policy.Left(8);
        Assert.Equal((100, 0), (policy.SharersPerSilo("*/5 * * * *"), policy.SharersPerSilo("* * * * *")));
    }

    /// <summary>
    /// 100,000 services created one after another between two sweeps (as the memory benchmark does through the API in
    /// about 3.6 minutes), each arming its first five-minute occurrence as it is created: counted as they join, their
    /// planned starts stay under 2,000 in any second (the early ones went out over 5 s, the later ones over windows
    /// doubled for the count then). Counted only by the census before them (none), all 100,000 started within 5 s.
    /// </summary>
    [Fact]
    public void A_fleet_created_between_two_sweeps_spreads_its_first_occurrence_over_the_windows_its_growing_count_gives()
    {
        const string cron = "*/5 * * * *";
        var policy = new SpreadPolicy(Options.Create(new ScheduleOptions()));
        var parsed = CronSchedule.Parse(cron, "UTC");
        var perSecond = new Dictionary<long, int>();
        for (long id = 1; id <= 100_000; id++)
        {
            policy.Joined(id, cron);
            var first = new ServiceSchedule(parsed, id, policy, cron).NextAfter(Monday0900.AddTicks(-1))!.Value;
            var second = (long)(first.FireAt - first.Occurrence).TotalSeconds;
            perSecond[second] = perSecond.GetValueOrDefault(second) + 1;
        }

        Assert.True(perSecond.Values.Max() < 2_000, $"{perSecond.Values.Max()} planned in one second");
        Assert.True(perSecond.Keys.Max() > 150, $"the latest planned only {perSecond.Keys.Max()} s after the occurrence");
    }

    [Fact]
    public void A_schedule_follows_a_new_census_at_its_next_occurrence_without_being_built_again()
    {
        var policy = new SpreadPolicy(Options.Create(new ScheduleOptions()));
        var schedule = new ServiceSchedule(CronSchedule.Parse("*/5 * * * *", "UTC"), 1_234_567, policy, "*/5 * * * *");
        var ids = Enumerable.Range(1, 2_000).Select(i => (long)i).ToList();

        var before = schedule.NextAfter(Monday0900)!.Value;
        policy.Census(new Dictionary<string, int> { ["*/5 * * * *"] = 700_000 }, 1);
        var after = schedule.NextAfter(Monday0900)!.Value;

        Assert.Equal(before.Occurrence, after.Occurrence);
        Assert.InRange(before.FireAt - before.Occurrence, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.InRange(after.FireAt - after.Occurrence, TimeSpan.Zero, TimeSpan.FromSeconds(300) - TimeSpan.FromMilliseconds(1));
        var spreadOverFleet = ids.Select(id => new ServiceSchedule(CronSchedule.Parse("*/5 * * * *", "UTC"), id, policy, "*/5 * * * *").NextAfter(Monday0900)!.Value)
            .Select(c => c.FireAt - c.Occurrence).ToList();
        Assert.True(spreadOverFleet.Max() > TimeSpan.FromSeconds(290), $"the fleet's offsets reach only {spreadOverFleet.Max()}");
    }

    [Fact]
    public void Offsets_stay_put_while_a_fleet_grows_within_one_doubling()
    {
        var policy = new SpreadPolicy(Options.Create(new ScheduleOptions()));
        var schedule = new ServiceSchedule(CronSchedule.Parse("0 9 * * *", "UTC"), 42, policy, "0 9 * * *");

        policy.Census(new Dictionary<string, int> { ["0 9 * * *"] = 2_600 }, 1);
        var small = schedule.NextAfter(Monday0900.AddHours(-1))!.Value.FireAt;
        policy.Census(new Dictionary<string, int> { ["0 9 * * *"] = 4_900 }, 1);
        var grown = schedule.NextAfter(Monday0900.AddHours(-1))!.Value.FireAt;

        Assert.Equal(small, grown);
    }

    /// <summary>
    /// A million services on the default mix (700,000 on <c>*/5 * * * *</c>, 200,000 on <c>* * * * *</c>, 100,000 on
    /// <c>*/30 * * * * *</c>, ids 1 to 1,000,000 dealt round-robin) offer 9,000 checks a second on average. Their planned
    /// starts, counted per second over one five-minute period, stay near that average in every second: with half-gap
    /// windows every cron started its window at the top of the minute, and the first 15 s of each of the first three
    /// minutes of every five offered 18,000 a second.
    /// </summary>
    [Theory]
    [InlineData(1.0, 9_000 * 1.05)]
    [InlineData(0.5, 18_000 * 1.05)]
    public void The_default_mix_at_a_million_offers_at_most_its_average_rate_in_any_second(double fraction, double allowedPeak)
    {
        var options = new ScheduleOptions { SpreadFraction = fraction };
        var policy = new SpreadPolicy(Options.Create(options));
        string[] crons = ["*/5 * * * *", "*/5 * * * *", "*/5 * * * *", "*/5 * * * *", "*/5 * * * *", "*/5 * * * *", "*/5 * * * *", "* * * * *", "* * * * *", "*/30 * * * * *"];
        policy.Census(crons.GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count() * 100_000), 1);
        var schedules = crons.Distinct().ToDictionary(c => c, c => CronSchedule.Parse(c, "UTC"));
        var perSecond = new int[300];
        for (long id = 1; id <= 1_000_000; id++)
        {
            var cron = crons[id % crons.Length];
            var schedule = new ServiceSchedule(schedules[cron], id, policy, cron);
            for (var check = schedule.NextFiringAfter(Monday0900.AddTicks(-1)); check is { } c && c.FireAt < Monday0900.AddMinutes(5); check = schedule.NextAfter(c.Occurrence))
            {
                perSecond[(int)(c.FireAt - Monday0900).TotalSeconds]++;
            }
        }

        Assert.Equal(2_700_000, perSecond.Sum());
        Assert.InRange(perSecond.Max(), 0, allowedPeak);
        if (fraction == 1.0)
        {
            Assert.InRange(perSecond.Min(), 9_000 * 0.95, 9_000 * 1.05);
        }
        else
        {
            Assert.True(perSecond.Max() > 9_000 * 1.5, $"half-gap windows peaked at only {perSecond.Max()} a second");
        }
    }
}
