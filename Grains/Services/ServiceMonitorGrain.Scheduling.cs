using Microsoft.Extensions.Logging;
using Monitoring.Grains.Data;
using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Services;

/// <summary>
/// Scheduling: one reminder per service is the durable wake-up (minutes apart, registered once, never per
/// tick) that brings the grain back after a silo failure; a one-shot grain timer fires each occurrence at
/// its exact time plus the service's spread offset. An occurrence runs only if it is later than the last one
/// started, so a duplicated reminder tick or a re-armed timer cannot run it twice.
/// </summary>
public sealed partial class ServiceMonitorGrain
{
    private const string WakeUpReminder = "wake-up";

    /// <summary>The longest a timer is set ahead; far occurrences are reached in steps of this.</summary>
    internal static readonly TimeSpan MaxTimerStep = TimeSpan.FromDays(1);

    private ServiceSchedule? schedule;
    private IGrainTimer? timer;
    private ScheduledCheck? armed;

    /// <summary>The occurrence of the last scheduled check started (or the creation time).</summary>
    private DateTimeOffset lastStartedOccurrence;

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (config is null)
        {
            // The row is gone (a crash between deleting it and removing this reminder): finish the removal.
            await RemoveLeftoversAsync();
            DeactivateOnIdle();
            return;
        }

        if (!config.Enabled)
        {
            // A wake-up left from before the service was disabled (its removal failed): it is not needed.
            await UnregisterWakeUpAsync();
        }
        else if (armed is null)
        {
            await ApplyScheduleAsync(previous: null, catchUp: true);
        }

        await SnapshotWindowIfDueAsync();
    }

    /// <summary>
    /// Brings reminder and timer in line with the config. On activation (<paramref name="catchUp"/>),
    /// occurrences missed while no silo ran the grain lead to one check now, not one per occurrence.
    /// </summary>
    private async Task ApplyScheduleAsync(ServiceConfig? previous, bool catchUp)
    {
        if (config is null || !config.Enabled)
        {
            DisarmTimer();
            schedule = null;
            runtime = runtime with { NextCheckAt = null };
            if (previous is null or { Enabled: true })
            {
                await UnregisterWakeUpAsync();
            }

            return;
        }

        if (previous is not null && previous.SchedulesLike(config) && armed is not null)
        {
            return;
        }

        if (catchUp)
        {
            await RegisterWakeUpAsync();
        }

        schedule = new ServiceSchedule(CronSchedule.Parse(config.CronSchedule, config.CronTimezone), Id, scheduleOptions.Value.MaxSpread);
        var now = time.GetUtcNow();
        if (catchUp && schedule.NextAfter(lastStartedOccurrence) is { } due && due.FireAt <= now)
        {
            Arm(new ScheduledCheck(now, now));
        }
        else if (NextNotYetStarted(schedule.NextFiringAfter(now)) is { } next)
        {
            Arm(next);
        }
        else
        {
            DisarmTimer();
        }
    }

    private Task OnTimerAsync()
    {
        if (config is not { Enabled: true } || schedule is null || armed is not { } due)
        {
            return Task.CompletedTask;
        }

        var early = due.FireAt - time.GetUtcNow();
        if (early > TimeSpan.Zero)
        {
            // Timers may fire a hair before their time; a check never starts before its planned moment, so
            // its checked_at is never earlier than its occurrence (which the catch-up after a failover relies on).
            SetTimer(early);
            return Task.CompletedTask;
        }

        if (due.Occurrence > lastStartedOccurrence)
        {
            lastStartedOccurrence = due.Occurrence;
            StartCheck(CheckTrigger.Schedule);
        }

        var now = time.GetUtcNow();
        var next = schedule.NextAfter(Max(due.Occurrence, lastStartedOccurrence));
        if (next is { } first && first.FireAt <= now && schedule.NextAfter(first.Occurrence) is { } second && second.FireAt <= now)
        {
            // More than one occurrence is already due: the silo fell behind. Run the latest once.
            var skipped = 1;
            var latest = second;
            while (schedule.NextAfter(latest.Occurrence) is { } later && later.FireAt <= now && skipped < 100_000)
            {
                latest = later;
                skipped++;
            }

            LogFellBehind(logger, Id, skipped);
            next = latest;
        }

        if (next is { } check)
        {
            Arm(check);
        }
        else
        {
            DisarmTimer();
        }

        return Task.CompletedTask;
    }

    /// <summary>Skips occurrences already started (e.g. one at the very moment the service was created).</summary>
    private ScheduledCheck? NextNotYetStarted(ScheduledCheck? candidate)
    {
        while (candidate is { } check && check.Occurrence <= lastStartedOccurrence)
        {
            candidate = schedule!.NextAfter(check.Occurrence);
        }

        return candidate;
    }

    private void Arm(ScheduledCheck check)
    {
        armed = check;
        runtime = runtime with { NextCheckAt = check.FireAt.ToMilliseconds() };
        SetTimer(check.FireAt - time.GetUtcNow());
    }

    /// <summary>
    /// Sets the one-shot timer, at most <see cref="MaxTimerStep"/> ahead: timers refuse due times past
    /// about 49.7 days, and a yearly cron's next run is further. A tick before the planned time only
    /// re-arms (see <see cref="OnTimerAsync"/>), so a far occurrence is reached in steps.
    /// </summary>
    private void SetTimer(TimeSpan dueIn)
    {
        dueIn = dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn > MaxTimerStep ? MaxTimerStep : dueIn;
        if (timer is null)
        {
            // Interleave: the tick only starts a check and re-arms, so it may run beside calls; a check
            // that hangs never blocks reads or patches of this grain.
            timer = this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions
            {
                DueTime = dueIn,
                Period = Timeout.InfiniteTimeSpan,
                Interleave = true,
                KeepAlive = true,
            });
        }
        else
        {
            timer.Change(dueIn, Timeout.InfiniteTimeSpan);
        }
    }

    private void DisarmTimer()
    {
        armed = null;
        timer?.Dispose();
        timer = null;
    }

    private async Task RegisterWakeUpAsync()
    {
        if (await this.GetReminder(WakeUpReminder) is null)
        {
            var period = scheduleOptions.Value.WakeUpPeriod;
            await this.RegisterOrUpdateReminder(WakeUpReminder, period, period);
        }
    }

    private async Task UnregisterWakeUpAsync()
    {
        if (await this.GetReminder(WakeUpReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {ServiceId} fell behind its schedule: {Skipped} occurrences were due at once; running the latest")]
    private static partial void LogFellBehind(ILogger logger, long serviceId, int skipped);
}
