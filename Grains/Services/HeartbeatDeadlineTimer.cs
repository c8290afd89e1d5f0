using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Services;

/// <summary>
/// A heartbeat's one-shot grain timer for its next deadline (not interleaving: a decision never runs beside a ping
/// report). Heartbeat deadlines keep a grain timer each; the checks of the other services share the silo's
/// <see cref="CheckClock"/>. It is set at most
/// <see cref="MaxStep"/> ahead: grain timers refuse due times past about 49.7 days, and a yearly cron's next
/// run is further; the tick before the planned time only re-arms (see <see cref="ScheduleCursor.Fire"/>).
/// </summary>
internal sealed class HeartbeatDeadlineTimer(Func<TimeSpan, IGrainTimer> register, TimeProvider time)
{
    /// <summary>The longest a timer is set ahead; far occurrences are reached in steps of this.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromDays(1);

    private IGrainTimer? timer;
    private long armedAt;
    private TimeSpan dueIn;

    /// <summary>The planned check the timer is set for, or null when disarmed.</summary>
    public ScheduledCheck? Armed { get; private set; }

    /// <summary>
    /// How much later than it was set for the timer fired, on the monotonic clock (a step of the wall clock, such as
    /// NTP after a VM resumes, changes nothing); call from the tick, before arming again.
    /// </summary>
    public TimeSpan Lateness => time.GetElapsedTime(armedAt) - dueIn;

    public void Arm(ScheduledCheck check)
    {
        Armed = check;
        var dueIn = check.FireAt - time.GetUtcNow();
        dueIn = dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn > MaxStep ? MaxStep : dueIn;
        this.dueIn = dueIn;
        armedAt = time.GetTimestamp();
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
