using Microsoft.Extensions.Logging;
using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Services;

/// <summary>
/// A service's one-shot timer on the silo's <see cref="CheckClock"/>, armed for one planned check at a time. When it
/// comes due, the tick runs on the grain's own scheduler beside its calls (like an interleaving grain timer: the tick only
/// starts a check and re-arms, so a check that hangs never blocks reads or patches). While armed it keeps the grain from
/// being collected as idle until a minute past the due time, as a keep-alive grain timer did. It is set at most
/// <see cref="MaxStep"/> ahead (a yearly cron's next run is further; the tick before the planned time only re-arms, see
/// <see cref="ScheduleCursor.Fire"/>).
/// </summary>
internal sealed partial class CheckTimer(CheckClock clock, IGrainContext grain, Func<Task> onTick, Action<TimeSpan> keepAlive, TimeProvider time, ILogger logger) : IClockOwner
{
    /// <summary>The longest a timer is set ahead; far occurrences are reached in steps of this.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromDays(1);

    private static readonly TimeSpan KeepAliveMargin = TimeSpan.FromMinutes(1);

    private long version;
    private long armedAt;
    private TimeSpan dueIn;

    /// <summary>The planned check the timer is set for, or null when disarmed.</summary>
    public ScheduledCheck? Armed { get; private set; }

    /// <summary>
    /// How much later than it was set for the timer fired, on the monotonic clock (a step of the wall clock, such as
    /// NTP after a VM resumes, changes nothing); call from the tick, before arming again.
    /// </summary>
    public TimeSpan Lateness => time.GetElapsedTime(armedAt) - dueIn;

    /// <summary>Sets the timer for <paramref name="check"/> (in place of whatever it was set for). From the grain's context.</summary>
    public void Arm(ScheduledCheck check)
    {
        Armed = check;
        var dueIn = check.FireAt - time.GetUtcNow();
        dueIn = dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn > MaxStep ? MaxStep : dueIn;
        this.dueIn = dueIn;
        armedAt = time.GetTimestamp();
        keepAlive(dueIn + KeepAliveMargin);
        clock.Schedule(this, Interlocked.Increment(ref version), armedAt + (long)(dueIn.TotalSeconds * time.TimestampFrequency));
    }

    /// <summary>
    /// Stops the timer; with <paramref name="releaseKeepAlive"/> the grain is collected by the usual idle rules again
    /// (not while it deactivates anyway). From the grain's context.
    /// </summary>
    public void Disarm(bool releaseKeepAlive = true)
    {
        var wasArmed = Armed is not null;
        Armed = null;
        Interlocked.Increment(ref version);
        if (releaseKeepAlive && wasArmed)
        {
            keepAlive(TimeSpan.Zero);
        }
    }

    void IClockOwner.OnDue(long dueVersion)
    {
        if (dueVersion == Volatile.Read(ref version))
        {
            grain.Scheduler.QueueAction(static state => ((CheckTimer)state!).Tick(), this);
        }
    }

    private async void Tick()
    {
        try
        {
            // Re-armed or disarmed between the clock's call and this turn: that entry is not this timer's any more.
            if (Armed is not null)
            {
                await onTick();
            }
        }
        catch (Exception ex)
        {
            LogTickFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A service timer's tick failed; the service is armed again by its next call or sweep")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
