using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Scheduling;
using Monitoring.Grains.Services;

namespace Monitoring.UnitTests.Services;

/// <summary>
/// A service timer keeps one clock ticket from one arming to the next: whatever it was set for before, it ticks once,
/// for what it is set for last, and a disarmed timer armed again (a new ticket) is not ticked by its old armings.
/// </summary>
public sealed class CheckTimerArmingTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-01T10:00:00Z");

    public static TheoryData<int[], int> Armings => new()
    {
        // Seconds from the start each arming is set for, in the order they are made, and when the one tick comes.
        { [10], 10 },
        { [10, 5], 5 },
        { [5, 10], 10 },
        { [10, 5, 20], 20 },
        { [3, 3, 3], 3 },
    };

    [Theory]
    [MemberData(nameof(Armings))]
    public void A_timer_set_again_ticks_once_for_its_last_arming(int[] armings, int tickAt)
    {
        var (time, clock, owner, timer) = Timer();
        using (clock)
        {
            foreach (var seconds in armings)
            {
                timer.Arm(At(seconds));
            }

            time.Advance(TimeSpan.FromSeconds(tickAt) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, owner.Ticks);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, owner.Ticks);
            time.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(1, owner.Ticks);
        }
    }

    [Fact]
    public void A_timer_disarmed_and_armed_again_is_not_ticked_by_its_earlier_arming()
    {
        var (time, clock, owner, timer) = Timer();
        using (clock)
        {
            timer.Arm(At(5));
            timer.Disarm();
            timer.Arm(At(8));

            time.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal(0, owner.Ticks);
            time.Advance(TimeSpan.FromSeconds(3));
            Assert.Equal(1, owner.Ticks);
            time.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(1, owner.Ticks);
        }
    }

    public enum Between { ArmedAgain, DisarmedAndArmedAgain }

    // The clock's call came (its tick queued on the grain) while the grain was busy, and the turn before the tick
    // changed the timer: the queued tick is of an arming that is no longer set, whatever its number.
    [Theory]
    [InlineData(Between.ArmedAgain)]
    [InlineData(Between.DisarmedAndArmedAgain)]
    public void A_tick_queued_before_the_timer_was_set_again_does_nothing_and_the_new_arming_ticks_once(Between between)
    {
        var time = new FakeTimeProvider(Start);
        using var clock = new CheckClock(time);
        var context = new TimerGrainContext { Hold = true };
        var owner = new TimerOwner();
        var timer = new CheckTimer(clock, context, owner, time, NullLogger.Instance);
        timer.Arm(At(5));
        time.Advance(TimeSpan.FromSeconds(5));
        if (between == Between.DisarmedAndArmedAgain)
        {
            timer.Disarm();
        }

        timer.Arm(At(8));
        context.RunHeld();
        Assert.Equal(0, owner.Ticks);

        time.Advance(TimeSpan.FromSeconds(3));
        context.RunHeld();
        Assert.Equal(1, owner.Ticks);
        time.Advance(TimeSpan.FromSeconds(30));
        context.RunHeld();
        Assert.Equal(1, owner.Ticks);
    }

    [Fact]
    public void A_disarmed_timer_does_not_tick()
    {
        var (time, clock, owner, timer) = Timer();
        using (clock)
        {
            timer.Arm(At(5));
            timer.Arm(At(6));
            timer.Disarm();

            time.Advance(TimeSpan.FromSeconds(30));

            Assert.Equal(0, owner.Ticks);
            Assert.Null(timer.Armed);
        }
    }

    private static ScheduledCheck At(int seconds) => new(Start.AddSeconds(seconds), Start.AddSeconds(seconds));

    private static (FakeTimeProvider Time, CheckClock Clock, TimerOwner Owner, CheckTimer Timer) Timer()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new CheckClock(time);
        var owner = new TimerOwner();
        return (time, clock, owner, new CheckTimer(clock, new TimerGrainContext(), owner, time, NullLogger.Instance));
    }
}
