namespace Monitoring.Grains.Scheduling;

/// <summary>
/// What a service's schedule does next, decided from the last occurrence started and the time now: which
/// check to start at once (a catch-up, or the occurrence whose timer fired) and which to arm the timer for.
/// Pure: the grain asks and carries out. An occurrence runs only when it is later than the last one started,
/// so a re-armed timer or a duplicated wake-up can never run it twice.
/// </summary>
public sealed class ScheduleCursor(ServiceSchedule schedule)
{
    // Walking forward through missed occurrences stops here and jumps close to now instead.
    private const int MaxWalk = 1000;

    /// <summary>
    /// When the grain (re)activates: if occurrences were missed while no silo ran it, the timer is armed for
    /// one catch-up check now, standing for the latest of them, unless the next regular check comes within
    /// half an interval (then that one is the catch-up, and no two checks fall into the same interval).
    /// </summary>
    public ScheduleStep Resume(DateTimeOffset lastStarted, DateTimeOffset now)
    {
        var next = NextToArm(lastStarted, now);
        if (LatestDue(lastStarted, now) is not { } missed
            || (next is { } regular && regular.FireAt - now < (regular.Occurrence - missed.Occurrence) / 2))
        {
            return new ScheduleStep(null, next, 0);
        }

        return new ScheduleStep(null, missed with { FireAt = now }, 0);
    }

    /// <summary>
    /// The last occurrence started, as this cursor compares it (an instant at or after that occurrence and before the
    /// next), for a grain that knows only when its last scheduled check started (<paramref name="checkedAt"/>, read from
    /// service_status at activation): the latest occurrence planned by then. A check that started after the next
    /// occurrence's bare time but before its planned time ran the occurrence before it, late (an offset may reach
    /// almost the whole gap, so a little lag takes a check past the next occurrence); unless that one was planned
    /// half its gap or the smallest cap (<see cref="ServiceSchedule.SmallestCap"/>, 5 s by default) or more before the
    /// start: then the spread has grown since (silos left the fleet, the census grew the window) and the check ran the
    /// next occurrence at its earlier, shorter offset. A window only grows from a cap, never below the smallest, so such
    /// a check started more than that after the earlier occurrence's planned time, by whatever factor it grew; a late
    /// check is read right while its lag stays under that bound.
    /// </summary>
    public DateTimeOffset StartedBy(DateTimeOffset checkedAt)
    {
        if (schedule.NextFiringAfter(checkedAt) is not { } next || next.Occurrence > checkedAt)
        {
            // Every occurrence up to the start was planned by then; none after it.
            return checkedAt;
        }

        if (schedule.PreviousNear(next.Occurrence) is not { } previous)
        {
            return checkedAt;
        }

        var lateBy = checkedAt - previous.FireAt;
        return lateBy < (next.Occurrence - previous.Occurrence) / 2 && lateBy < schedule.SmallestCap
            ? next.Occurrence - TimeSpan.FromTicks(1)
            : checkedAt;
    }

    /// <summary>After a change of schedule (or a create): no catch-up, just the next occurrence not yet started.</summary>
    public ScheduleStep Plan(DateTimeOffset lastStarted, DateTimeOffset now) => new(null, NextToArm(lastStarted, now), 0);

    /// <summary>
    /// The timer armed for <paramref name="armed"/> fired at <paramref name="now"/>. Before its time (timers
    /// may fire early, and far occurrences are reached in steps) it is armed again for the same check; at or
    /// after it the check runs (if not started yet) and the next one is armed. A silo that fell more than one
    /// occurrence behind runs the latest due one once (at the next tick) and reports how many it skipped.
    /// </summary>
    public ScheduleStep Fire(ScheduledCheck armed, DateTimeOffset lastStarted, DateTimeOffset now)
    {
        if (armed.FireAt > now)
        {
            return new ScheduleStep(null, armed, 0);
        }

        var run = armed.Occurrence > lastStarted ? armed : (ScheduledCheck?)null;
        var started = run?.Occurrence ?? lastStarted;
        var next = schedule.NextAfter(started);
        if (next is { } first && first.FireAt <= now && schedule.NextAfter(first.Occurrence) is { FireAt: var secondAt } && secondAt <= now)
        {
            var latest = LatestDue(started, now)!.Value;
            return new ScheduleStep(run, latest, Skipped(started, latest));
        }

        return new ScheduleStep(run, next, 0);
    }

    /// <summary>The latest occurrence after <paramref name="after"/> whose check is due by <paramref name="now"/>, if any.</summary>
    public ScheduledCheck? LatestDue(DateTimeOffset after, DateTimeOffset now)
    {
        if (schedule.NextAfter(after) is not { } candidate || candidate.FireAt > now)
        {
            return null;
        }

        for (var walked = 0; schedule.NextAfter(candidate.Occurrence) is { } later && later.FireAt <= now; walked++)
        {
            if (walked == MaxWalk && schedule.NextFiringAfter(now) is { } ahead && schedule.NextAfter(ahead.Occurrence) is { } beyond)
            {
                // Far behind: restart a few intervals before now rather than walking every occurrence since.
                var jumped = schedule.NextAfter(now - (4 * (beyond.Occurrence - ahead.Occurrence)));
                if (jumped is { } start && start.Occurrence > candidate.Occurrence && start.FireAt <= now)
                {
                    candidate = start;
                    continue;
                }
            }

            candidate = later;
        }

        return candidate;
    }

    private ScheduledCheck? NextToArm(DateTimeOffset lastStarted, DateTimeOffset now)
    {
        var candidate = schedule.NextFiringAfter(now);
        while (candidate is { } check && check.Occurrence <= lastStarted)
        {
            candidate = schedule.NextAfter(check.Occurrence);
        }

        return candidate;
    }

    private int Skipped(DateTimeOffset started, ScheduledCheck latest)
    {
        var skipped = 0;
        for (var occurrence = schedule.NextAfter(started); occurrence is { } o && o.Occurrence < latest.Occurrence && skipped < MaxWalk; occurrence = schedule.NextAfter(o.Occurrence))
        {
            skipped++;
        }

        return skipped;
    }
}

/// <summary>One decision of a <see cref="ScheduleCursor"/>: the check to start now (if any), the one to arm (if any), occurrences skipped.</summary>
public readonly record struct ScheduleStep(ScheduledCheck? Run, ScheduledCheck? Arm, int Skipped);
