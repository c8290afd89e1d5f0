using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Services;

/// <summary>
/// A heartbeat's one-shot grain timer for its next deadline (not interleaving: a decision never runs beside a ping
/// report). Heartbeat deadlines keep a grain timer each; the checks of the other services share the silo's
/// <see cref="CheckClock"/>. Set as far ahead as a check timer (<see cref="CheckTimer.StepTowards"/>): grain timers
/// refuse due times past about 49.7 days; the tick before the planned time only re-arms.
/// </summary>
internal sealed class HeartbeatDeadlineTimer(Func<TimeSpan, IGrainTimer> register, TimeProvider time)
{
    private IGrainTimer? timer;

    /// <summary>The deadline the timer is set for, or null when disarmed.</summary>
    public ScheduledCheck? Armed { get; private set; }

    public void Arm(ScheduledCheck check)
    {
        Armed = check;
        var dueIn = CheckTimer.StepTowards(check.FireAt, time);
        if (timer is null)
        {
            timer = register(dueIn);
        }
        else
        {
            timer.Change(dueIn, Timeout.InfiniteTimeSpan);
        }
    }

    public void Disarm()
    {
        Armed = null;
        timer?.Dispose();
        timer = null;
    }
}
