using Microsoft.Extensions.Logging;
using Monitoring.Grains.Data;
using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Services;

/// <summary>
/// Scheduling plumbing: the <see cref="CheckTimer"/> fires each planned check; the <see cref="ScheduleCursor"/> decides
/// what runs and what is armed next. What brings a grain back after a silo failure is the fleet's sweep
/// (<see cref="Fleet.ScheduleKeeper"/>: when a silo starts, when one dies, and every <c>Scheduling:WakeUpPeriod</c>), not
/// a reminder per service: a million reminders would tick thousands of times a second and hold a timer each.
/// </summary>
public sealed partial class ServiceMonitorGrain
{
    /// <summary>The name of the per-service reminder that earlier versions registered; a tick of one removes it.</summary>
    private const string WakeUpReminder = "wake-up";

    public async Task WakeAsync()
    {
        if (config is null)
        {
            // No such service (or removed): nothing to keep this activation for.
            DeactivateOnIdle();
        }
        else if (config.Enabled && !Scheduled)
        {
            await ApplyScheduleAsync(previous: null, resuming: true);
        }
    }

    /// <summary>Whether a timer is armed for the next check or deadline.</summary>
    private bool Scheduled => timer.Armed is not null || deadlineTimer?.Armed is not null;

    /// <summary>
    /// A tick of the wake-up reminder an earlier version registered: it goes (the sweep does its work now), after doing
    /// what it did then (wake the schedule, write the uptime snapshot when due).
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await UnregisterWakeUpAsync();
        if (config is null)
        {
            await uptime.ClearAsync();
            DeactivateOnIdle();
            return;
        }

        if (config.Enabled && !Scheduled)
        {
            await ApplyScheduleAsync(previous: null, resuming: true);
        }

        await uptime.SnapshotIfDueAsync(checks.OldestStartedAt);
    }

    /// <summary>
    /// Brings the timer in line with the config. When <paramref name="resuming"/> (activation, or a wake-up that found
    /// no timer), occurrences missed while no silo ran the grain lead to one catch-up check.
    /// </summary>
    /// <param name="lastScheduledCheckAt">At activation: when the service's last stored scheduled check started, taken into the last occurrence started through the schedule.</param>
    private async Task ApplyScheduleAsync(ServiceConfig? previous, bool resuming, DateTimeOffset? lastScheduledCheckAt = null)
    {
        if (config is null || !config.Enabled)
        {
            timer.Disarm();
            deadlineTimer?.Disarm();
            beat = null;
            cursor = null;
            runtime = runtime with { NextCheckAt = null };
            if (!resuming)
            {
                services.Spread.Left(Id);
            }

            return;
        }

        if (previous is not null && previous.SchedulesLike(config) && Scheduled)
        {
            return;
        }

        if (config.IsHeartbeat)
        {
            timer.Disarm();
            cursor = null;
            if (!resuming)
            {
                services.Spread.Left(Id);
            }

            await ApplyHeartbeatScheduleAsync(previous, resuming);
            return;
        }

        deadlineTimer?.Disarm();
        beat = null;
        if (!resuming && (previous is null || !previous.Enabled || previous.IsHeartbeat || previous.CronSchedule.Trim(' ') != config.CronSchedule.Trim(' ')))
        {
            // Counted on this silo before the next sweep counts it: its first occurrence spreads with those created with it.
            services.Spread.Joined(Id, config.CronSchedule);
        }

        cursor = new ScheduleCursor(new ServiceSchedule(CronSchedule.Parse(config.CronSchedule, config.CronTimezone), Id, services.Spread, config.CronSchedule));
        if (lastScheduledCheckAt is { } checkedAt)
        {
            lastStartedOccurrence = Max(lastStartedOccurrence, cursor.StartedBy(checkedAt));
        }

        var now = services.Time.GetUtcNow();
        Carry(resuming ? cursor.Resume(lastStartedOccurrence, now) : cursor.Plan(lastStartedOccurrence, now));
    }

    private async Task OnTimerAsync()
    {
        if (config is not { Enabled: true } || cursor is null || timer.Armed is not { } armed)
        {
            return;
        }

        var now = services.Time.GetUtcNow();
        services.Admission.ObserveFire(timer.Lateness);
        var lateBy = services.ScheduleOptions.Value.ConfirmMembershipWhenLateBy;
        if (now - armed.FireAt > lateBy && !await services.Membership.StillActiveAsync(armed.FireAt + lateBy))
        {
            // This silo was frozen long enough to be declared dead: another silo runs this service now.
            timer.Disarm();
            runtime = runtime with { NextCheckAt = null };
            return;
        }

        if (timer.Armed == armed && cursor is { } current && config is { Enabled: true } && Carry(current.Fire(armed, lastStartedOccurrence, services.Time.GetUtcNow())))
        {
            MoveIfPending();
        }

        await uptime.SnapshotIfDueAsync(checks.OldestStartedAt);
    }

    /// <summary>
    /// Does what the cursor decided: start the check that is due (unless the previous scheduled one still runs, or the
    /// silo is saturated: that occurrence is skipped and counted), then arm the next one (or nothing). True when a check
    /// started.
    /// </summary>
    private bool Carry(ScheduleStep step)
    {
        var started = false;
        if (step.Run is { } run)
        {
            lastStartedOccurrence = run.Occurrence;
            if (checks.ScheduledProbeRunning)
            {
                // Its previous check still waits for the target (or for a slot on a saturated silo): one at a time.
                services.CheckMetrics.Skipped(config!.Type, "overlap");
                LogOverlapSkipped(logger, Id, run.Occurrence);
            }
            else if (!services.Admission.TryAdmit())
            {
                // The silo is saturated: it checks what it can finish on time and store (paced: its log says so once a
                // second; its writer congested: monitoring_checks_skipped_total{reason="saturated"} counts them).
                services.CheckMetrics.Skipped(config!.Type, "saturated");
            }
            else
            {
                _ = checks.Start(config!, CheckTrigger.Schedule);
                started = true;
            }
        }

        if (step.Skipped > 0)
        {
            LogFellBehind(logger, Id, step.Skipped);
        }

        if (step.Arm is { } next)
        {
            timer.Arm(next);
            runtime = runtime with { NextCheckAt = next.FireAt.ToMilliseconds() };
        }
        else
        {
            timer.Disarm();
            runtime = runtime with { NextCheckAt = null };
        }

        return started;
    }

    /// <summary>Removes the wake-up reminder of an earlier version, if the service has one.</summary>
    private async Task UnregisterWakeUpAsync()
    {
        if (await this.GetReminder(WakeUpReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service {ServiceId} skipped its occurrence at {Occurrence}: its previous check is still running")]
    private static partial void LogOverlapSkipped(ILogger logger, long serviceId, DateTimeOffset occurrence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {ServiceId} fell behind its schedule: {Skipped} occurrences were skipped; running the latest")]
    private static partial void LogFellBehind(ILogger logger, long serviceId, int skipped);
}
