using Microsoft.Extensions.Logging;
using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Services;

/// <summary>
/// A service's one-shot timer on the silo's <see cref="CheckClock"/>, armed for one planned check at a time. When it
/// comes due, the tick runs on the grain's own scheduler beside its calls (like an interleaving grain timer: the tick only
/// starts a check and re-arms, so a check that hangs never blocks reads or patches). While armed it keeps the grain from
/// idle collection until <see cref="CheckClock.KeepAliveMargin"/> past the due time, as a keep-alive grain timer did. It is
/// set at most <see cref="MaxStep"/> ahead (a yearly cron's next run is further; the tick before the planned time only
/// re-arms, see <see cref="ScheduleCursor.Fire"/>). Deactivation waits for a tick in progress (<see cref="StopAsync"/>).
/// </summary>
internal sealed partial class CheckTimer(CheckClock clock, IGrainContext grain, ICheckTimerOwner owner, TimeProvider time, ILogger logger) : IClockOwner
{
    /// <summary>The longest a timer is set ahead; far occurrences are reached in steps of this.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromDays(1);

    /// <summary>How long from now a timer for <paramref name="fireAt"/> is set: 0 when it passed, at most <see cref="MaxStep"/>.</summary>
    public static TimeSpan StepTowards(DateTimeOffset fireAt, TimeProvider time)
    {
        var dueIn = fireAt - time.GetUtcNow();
        return dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn > MaxStep ? MaxStep : dueIn;
    }

    private ClockTicket? ticket;
    private volatile bool activationInDoubt;
    private long armedAt;
    private TimeSpan dueIn;
    private Task running = Task.CompletedTask;

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
        dueIn = StepTowards(check.FireAt, time);
        armedAt = time.GetTimestamp();
        owner.KeepAlive(dueIn + clock.KeepAliveMargin);
        ticket ??= new ClockTicket(this);
        ticket.Rearm();
        clock.Schedule(ticket, armedAt + (long)(dueIn.TotalSeconds * time.TimestampFrequency));
    }

    /// <summary>
    /// Stops the timer; with <paramref name="releaseKeepAlive"/> the grain is collected by the usual idle rules again
    /// (not while it deactivates anyway). From the grain's context.
    /// </summary>
    public void Disarm(bool releaseKeepAlive = true)
    {
        var wasArmed = Armed is not null;
        Armed = null;
        ticket?.Cancel();
        ticket = null;
        if (releaseKeepAlive && wasArmed)
        {
            owner.KeepAlive(TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Says that this activation may never become valid: Orleans cancelled its activation (it stops waiting for
    /// OnActivateAsync, which may still arm this timer afterwards), or OnActivateAsync failed after arming. Either
    /// way OnDeactivateAsync, which disarms, is never called. From then on each tick first asks whether the activation
    /// is gone. Only then: reading <see cref="IGrainContext.Deactivated"/> makes Orleans keep a deactivation record
    /// (five objects, about 330 bytes) for the rest of the activation's life, in each of a million grains. Any thread.
    /// </summary>
    /// <remarks>
    /// Not covered (the guard that read Deactivated on every tick did cover it): a deactivation stuck before
    /// OnDeactivateAsync for longer than Orleans' MaxRequestProcessingTime (2 h by default) is abandoned by Orleans, and
    /// this timer would go on ticking in the abandoned activation. That needs a call to the grain running for two hours;
    /// the grain's calls wait only on PostgreSQL commands (30-s command timeout) and the result writer (bounded), and
    /// checks run outside its turns.
    /// </remarks>
    public void DoubtActivation() => activationInDoubt = true;

    /// <summary>Disarms and waits for a tick that already started (deactivation: its snapshot must not race the last one).</summary>
    public async Task StopAsync()
    {
        Disarm(releaseKeepAlive: false);
        try
        {
            await running;
        }
        catch (Exception ex)
        {
            LogTickFailed(logger, ex);
        }
    }

    void IClockOwner.OnDue(ClockTicket due, int arming)
    {
        if (due == Volatile.Read(ref ticket))
        {
            grain.Scheduler.QueueAction(static state =>
            {
                var (timer, dueTicket, dueArming) = ((CheckTimer, ClockTicket, int))state!;
                timer.Tick(dueTicket, dueArming);
            }, (this, due, arming));
        }
    }

    // Whether the timer is still set for the arming that came due (not re-armed or disarmed since).
    private bool SetFor(ClockTicket due, int arming) => Armed is not null && due == ticket && due.Arming == arming;

    private void Tick(ClockTicket due, int arming)
    {
        // Re-armed or disarmed between the clock's call and this turn: nothing to do.
        if (!SetFor(due, arming))
        {
            return;
        }

        if (activationInDoubt && grain.Deactivated.IsCompleted)
        {
            // An activation that is gone (see DoubtActivation): its ticket lets go of it, or the clock's entries of
            // earlier armings would keep it in memory until they come due.
            Disarm(releaseKeepAlive: false);
            return;
        }

        running = RunAsync(due, arming);
    }

    private async Task RunAsync(ClockTicket due, int arming)
    {
        try
        {
            await owner.OnTickAsync();
        }
        catch (Exception ex) when (Armed is not null && !SetFor(due, arming))
        {
            // It failed after arming the next check (an uptime snapshot, say): the schedule goes on.
            LogTickFailed(logger, ex);
        }
        catch (Exception ex)
        {
            // It failed before arming anything: let the grain go, and the fleet's next sweep wakes it with a catch-up.
            LogTickFailedUnarmed(logger, ex);
            Disarm();
            grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, ex, "a service timer's tick failed"));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A service timer's tick failed after arming the next check")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A service timer's tick failed before arming the next check; the grain is deactivated and the fleet's next sweep wakes it")]
    private static partial void LogTickFailedUnarmed(ILogger logger, Exception exception);
}
