using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Scheduling;
using Monitoring.Grains.Services;
using Orleans.Runtime;

namespace Monitoring.UnitTests.Services;

/// <summary>
/// When a service timer asks Orleans whether its activation is gone: only once the activation is in doubt
/// (<see cref="CheckTimer.DoubtActivation"/>), because Orleans keeps a deactivation record for every activation whose
/// <see cref="IGrainContext.Deactivated"/> was read. This is the timer's rule on its own, with a stand-in for the three
/// members of Orleans' grain context it uses. The grain's side (doubting a cancelled or failed activation) has no test
/// on the cluster: it would need an activation that outlasts Orleans' activation timeout.
/// </summary>
public sealed class CheckTimerDoubtTests
{
    public enum Activation { Valid, InDoubtButValid, InDoubtAndGone }

    [Theory]
    [InlineData(Activation.Valid, 1, 0)]
    [InlineData(Activation.InDoubtButValid, 1, 1)]
    [InlineData(Activation.InDoubtAndGone, 0, 1)]
    public void A_due_timer_ticks_unless_its_doubted_activation_is_gone_and_asks_only_when_in_doubt(Activation activation, int ticks, int deactivatedReads)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z"));
        using var clock = new CheckClock(time);
        var context = new TimerGrainContext();
        var owner = new TimerOwner();
        var timer = new CheckTimer(clock, context, owner, time, NullLogger.Instance);
        timer.Arm(new ScheduledCheck(time.GetUtcNow().AddSeconds(10), time.GetUtcNow().AddSeconds(10)));
        if (activation != Activation.Valid)
        {
            timer.DoubtActivation();
        }

        if (activation == Activation.InDoubtAndGone)
        {
            context.DeactivatedSource.SetResult();
        }

        time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Equal(0, owner.Ticks);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(ticks, owner.Ticks);
        Assert.Equal(deactivatedReads, context.DeactivatedReads);
    }
}
