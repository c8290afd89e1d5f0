using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Heartbeats;

/// <summary>
/// One occurrence of a heartbeat's cron as a deadline: a report (a /ping, /fail or exit code) must arrive after
/// <see cref="Previous"/> and no later than <see cref="Deadline"/> (the occurrence plus the grace), else the
/// occurrence is missed (monitors.md: "when an occurrence passes and no report arrived since the one before it,
/// plus grace_seconds").
/// </summary>
public readonly record struct HeartbeatDue(DateTimeOffset Previous, DateTimeOffset Occurrence, DateTimeOffset Deadline)
{
    /// <summary>Whether a report at <paramref name="reportedAt"/> counts for this occurrence: in (Previous, Deadline].</summary>
    public bool Covers(DateTimeOffset reportedAt) => reportedAt > Previous && reportedAt <= Deadline;
}

/// <summary>
/// When a heartbeat's reports are due: the occurrences of its cron (in its time zone, so DST moves them as it moves
/// the job's own cron), each with the occurrence before it and its deadline. Progress is counted in occurrences (not
/// deadlines), so a change of the grace neither decides an occurrence twice nor skips one. Pure.
/// </summary>
public sealed class HeartbeatSchedule(CronSchedule cron, TimeSpan grace)
{
    /// <summary>How far back the occurrence before the first one is looked for (a yearly cron has one within 28 years).</summary>
    private static readonly TimeSpan LongestGap = TimeSpan.FromDays(366 * 28);

    public TimeSpan Grace { get; } = grace;

    /// <summary>The first occurrence after <paramref name="afterOccurrence"/>, with its deadline; null when the cron never fires again.</summary>
    public HeartbeatDue? NextAfter(DateTimeOffset afterOccurrence) =>
        cron.NextAfter(afterOccurrence) is { } occurrence ? new HeartbeatDue(PreviousBefore(occurrence), occurrence, occurrence + Grace) : null;

    /// <summary>
    /// The occurrences after <paramref name="afterOccurrence"/> whose deadlines are at most <paramref name="upTo"/>, oldest
    /// first. At most <paramref name="max"/>: when more are due, the newest <paramref name="max"/> are given and
    /// <paramref name="skipped"/> says how many older ones were left out (-1: more than could be counted cheaply).
    /// </summary>
    public IReadOnlyList<HeartbeatDue> Between(DateTimeOffset afterOccurrence, DateTimeOffset upTo, int max, out int skipped)
    {
        skipped = 0;
        if (cron.NextAfter(afterOccurrence) is not { } first || first + Grace > upTo)
        {
            return [];
        }

        var dues = new Queue<HeartbeatDue>();
        var previous = PreviousBefore(first);
        var steps = 0;
        for (DateTimeOffset? occurrence = first; occurrence is { } current && current + Grace <= upTo; occurrence = cron.NextAfter(current))
        {
            if (++steps > 4 * max)
            {
                // Far behind (a fleet down for long, a dense cron): take the newest from the end instead of walking there.
                skipped = -1;
                return Newest(upTo, max);
            }

            if (dues.Count == max)
            {
                dues.Dequeue();
                skipped++;
            }

            dues.Enqueue(new HeartbeatDue(previous, current, current + Grace));
            previous = current;
        }

        return dues.ToArray();
    }

    /// <summary>
    /// The last occurrence before <paramref name="occurrence"/>: searched by widening steps back (the cron library
    /// only looks forward), then walked forward. When there is none, a time long before it (nothing was due then).
    /// </summary>
    public DateTimeOffset PreviousBefore(DateTimeOffset occurrence)
    {
        var step = TimeSpan.FromSeconds(1);
        while (step <= LongestGap)
        {
            if (cron.NextAfter(occurrence - step) is { } found && found < occurrence)
            {
                var last = found;
                while (cron.NextAfter(last) is { } next && next < occurrence)
                {
                    last = next;
                }

                return last;
            }

            step *= 4;
        }

        return occurrence - LongestGap;
    }

    /// <summary>The newest <paramref name="max"/> occurrences whose deadlines are at most <paramref name="upTo"/>, oldest first.</summary>
    private HeartbeatDue[] Newest(DateTimeOffset upTo, int max)
    {
        var occurrences = new List<DateTimeOffset>(max + 1) { PreviousBefore(upTo - Grace + TimeSpan.FromTicks(1)) };
        while (occurrences.Count <= max)
        {
            occurrences.Add(PreviousBefore(occurrences[^1]));
        }

        occurrences.Reverse();
        return Enumerable.Range(1, max).Select(i => new HeartbeatDue(occurrences[i - 1], occurrences[i], occurrences[i] + Grace)).ToArray();
    }
}
