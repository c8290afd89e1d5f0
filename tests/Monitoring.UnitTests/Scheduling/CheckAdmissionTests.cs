using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Scheduling;

namespace Monitoring.UnitTests.Scheduling;

/// <summary>
/// The silo-wide pacing of scheduled checks: each simulated second offers its checks evenly spread, each one a timer fire
/// (late by 300 ms for the given share of them, the first ones of the second) followed by an admission; the result
/// writer's backlog is a flag the test sets.
/// </summary>
public sealed class CheckAdmissionTests
{
    private static readonly TimeSpan Late = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void A_silo_whose_timers_are_on_time_admits_every_check()
    {
        var (admission, clock) = Create();

        var admitted = Seconds(admission, clock, 5, perSecond: 1000, lateShare: 0);

        Assert.All(admitted, a => Assert.Equal(1000, a));
        Assert.Null(admission.Rate);
    }

    [Theory]
    // Two late seconds are a stall, not saturation.
    [InlineData(2, 0.5)]
    // Late fires up to a quarter of the fires are jitter.
    [InlineData(10, 0.25)]
    public void Lateness_that_is_short_or_rare_paces_nothing(int lateSeconds, double lateShare)
    {
        var (admission, clock) = Create();

        var admitted = Seconds(admission, clock, lateSeconds, perSecond: 1000, lateShare).Concat(Seconds(admission, clock, 3, perSecond: 1000, lateShare: 0));

        Assert.All(admitted, a => Assert.Equal(1000, a));
        Assert.Null(admission.Rate);
    }

    [Fact]
    public void Three_late_seconds_pace_checks_at_four_fifths_of_what_was_admitted()
    {
        var (admission, clock) = Create();

        var late = Seconds(admission, clock, 3, perSecond: 1000, lateShare: 0.5);
        var paced = Seconds(admission, clock, 1, perSecond: 1000, lateShare: 0.5);

        Assert.Equal([1000, 1000, 1000], late);
        Assert.InRange(paced[0], 790, 800);
        Assert.Equal(800, admission.Rate!.Value, precision: 6);
    }

    [Fact]
    public void While_still_late_the_rate_falls_every_three_seconds_to_the_floor()
    {
        var (admission, clock) = Create(minPerSecond: 50);

        var admitted = Seconds(admission, clock, 16, perSecond: 100, lateShare: 1);

        // 100 three times, then 80, 64 and 51.2 three seconds each, then the floor of 50.
        Assert.Equal([100, 100, 100], admitted[..3]);
        Assert.All(admitted[3..6], a => Assert.InRange(a, 78, 80));
        Assert.All(admitted[6..9], a => Assert.InRange(a, 62, 64));
        Assert.All(admitted[12..], a => Assert.InRange(a, 49, 50));
        Assert.Equal(50, admission.Rate!.Value, precision: 6);
    }

    [Fact]
    public void Once_on_time_again_the_rate_grows_by_a_tenth_a_second_until_it_is_well_over_the_demand_five_seconds_running()
    {
        var (admission, clock) = Create();
        Seconds(admission, clock, 3, perSecond: 1000, lateShare: 0.5);

        var admitted = Seconds(admission, clock, 4, perSecond: 1000, lateShare: 0);

        Assert.InRange(admitted[0], 790, 800);
        Assert.InRange(admitted[1], 870, 880);
        Assert.InRange(admitted[2], 958, 968);
        Assert.InRange(admitted[3], 990, 1000);

        // 800 × 1.1^n passes 1,250 (1.25 times the demand) in the sixth second; after five such seconds the limit goes.
        var later = Seconds(admission, clock, 6, perSecond: 1000, lateShare: 0);
        Assert.NotNull(admission.Rate);
        Seconds(admission, clock, 1, perSecond: 1000, lateShare: 0);
        Assert.Null(admission.Rate);
        Assert.All(later, a => Assert.Equal(1000, a));
    }

    [Fact]
    public void A_silo_that_is_late_again_before_its_limit_outgrows_the_demand_stays_paced()
    {
        var (admission, clock) = Create();
        Seconds(admission, clock, 3, perSecond: 1000, lateShare: 0.5);

        // Saturated at about 900/s: on time below it, late above it, for a minute.
        for (var second = 0; second < 60; second++)
        {
            var lateShare = admission.Rate is { } limit && limit > 900 ? 0.5 : 0;
            Seconds(admission, clock, 1, perSecond: 1000, lateShare);
        }

        Assert.NotNull(admission.Rate);
        Assert.InRange(admission.Rate!.Value, 500, 1250);
    }

    [Fact]
    public void A_paced_silo_that_falls_quiet_is_lifted_after_five_seconds_with_too_few_fires()
    {
        var (admission, clock) = Create();
        Seconds(admission, clock, 4, perSecond: 1000, lateShare: 0.5);
        Assert.NotNull(admission.Rate);

        Seconds(admission, clock, 5, perSecond: CheckAdmission.MinFires - 1, lateShare: 0);
        Assert.NotNull(admission.Rate);
        Seconds(admission, clock, 1, perSecond: CheckAdmission.MinFires - 1, lateShare: 0);

        Assert.Null(admission.Rate);
    }

    [Fact]
    public void A_second_with_too_few_fires_decides_nothing()
    {
        var (admission, clock) = Create();

        var admitted = Seconds(admission, clock, 5, perSecond: CheckAdmission.MinFires - 1, lateShare: 1);

        Assert.All(admitted, a => Assert.Equal(CheckAdmission.MinFires - 1, a));
        Assert.Null(admission.Rate);
    }

    [Fact]
    public void Pacing_switched_off_admits_every_check_however_late()
    {
        var (admission, clock) = Create(pace: false);

        var admitted = Seconds(admission, clock, 5, perSecond: 1000, lateShare: 1);

        Assert.All(admitted, a => Assert.Equal(1000, a));
        Assert.Null(admission.Rate);
    }

    [Fact]
    public void Nothing_is_admitted_while_the_result_writer_is_congested_whatever_the_pace()
    {
        var congested = true;
        var clock = new FakeTimeProvider(Times.At("2026-11-30T09:00:00Z"));
        var admission = new CheckAdmission(clock, Options.Create(new ScheduleOptions { PaceChecks = false }), storeCongested: () => congested);

        Assert.False(admission.TryAdmit());
        congested = false;
        Assert.True(admission.TryAdmit());
    }

    [Fact]
    public void Three_seconds_ending_with_the_result_writer_behind_pace_checks_although_timers_are_on_time()
    {
        var (admission, clock) = Create(storeBehind: () => true);

        var behind = Seconds(admission, clock, 3, perSecond: 1000, lateShare: 0);
        var paced = Seconds(admission, clock, 1, perSecond: 1000, lateShare: 0);

        Assert.Equal([1000, 1000, 1000], behind);
        Assert.InRange(paced[0], 790, 800);
        Assert.Equal(800, admission.Rate!.Value, precision: 6);
    }

    [Fact]
    public void A_result_writer_behind_for_two_seconds_paces_nothing_and_one_that_caught_up_lets_the_rate_grow()
    {
        var behind = true;
        var (admission, clock) = Create(storeBehind: () => behind);

        // Each second is decided as the next one begins: three seconds run, the first two decided behind.
        Seconds(admission, clock, 3, perSecond: 1000, lateShare: 0);
        behind = false;
        var admitted = Seconds(admission, clock, 3, perSecond: 1000, lateShare: 0);
        Assert.All(admitted, a => Assert.Equal(1000, a));
        Assert.Null(admission.Rate);

        behind = true;
        Seconds(admission, clock, 4, perSecond: 1000, lateShare: 0);
        Assert.Equal(800, admission.Rate!.Value, precision: 6);
        // Each second is decided as the next one begins: two seconds after the writer caught up, 800 × 1.1².
        behind = false;
        Seconds(admission, clock, 2, perSecond: 1000, lateShare: 0);
        Assert.Equal(968, admission.Rate!.Value, precision: 6);
    }

    [Fact]
    public void A_congested_writer_that_is_also_behind_does_not_take_the_refused_seconds_for_a_pace()
    {
        var congested = true;
        var clock = new FakeTimeProvider(Times.At("2026-11-30T09:00:00Z"));
        var admission = new CheckAdmission(clock, Options.Create(new ScheduleOptions()), storeCongested: () => congested, storeBehind: () => true);

        var refused = Seconds(admission, clock, 5, perSecond: 1000, lateShare: 0);
        congested = false;
        Seconds(admission, clock, 1, perSecond: 1000, lateShare: 0);

        Assert.All(refused, a => Assert.Equal(0, a));
        Assert.Null(admission.Rate);
    }

    [Fact]
    public void A_result_writer_behind_in_a_second_with_too_few_fires_decides_nothing()
    {
        var (admission, clock) = Create(storeBehind: () => true);

        var admitted = Seconds(admission, clock, 5, perSecond: CheckAdmission.MinFires - 1, lateShare: 0);

        Assert.All(admitted, a => Assert.Equal(CheckAdmission.MinFires - 1, a));
        Assert.Null(admission.Rate);
    }

    private static (CheckAdmission Admission, FakeTimeProvider Clock) Create(bool pace = true, int minPerSecond = 50, Func<bool>? storeBehind = null)
    {
        var clock = new FakeTimeProvider(Times.At("2026-11-30T09:00:00Z"));
        var options = Options.Create(new ScheduleOptions { PaceChecks = pace, MinChecksPerSecond = minPerSecond });
        return (new CheckAdmission(clock, options, storeBehind: storeBehind), clock);
    }

    /// <summary>Runs <paramref name="count"/> seconds and gives the checks admitted in each.</summary>
    private static int[] Seconds(CheckAdmission admission, FakeTimeProvider clock, int count, int perSecond, double lateShare)
    {
        var admitted = new int[count];
        var step = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / perSecond);
        var lateCount = (int)Math.Round(perSecond * lateShare);
        for (var second = 0; second < count; second++)
        {
            var end = clock.GetUtcNow() + TimeSpan.FromSeconds(1);
            for (var i = 0; i < perSecond; i++)
            {
                admission.ObserveFire(i < lateCount ? Late : TimeSpan.Zero);
                if (admission.TryAdmit())
                {
                    admitted[second]++;
                }

                clock.Advance(step);
            }

            clock.Advance(end - clock.GetUtcNow());
        }

        return admitted;
    }
}
