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
/// the job's own cron), each with the occurrence before it and its deadline. Pure; the grain asks it what to evaluate.
/// </summary>
public sealed class HeartbeatSchedule(CronSchedule cron, TimeSpan grace)
{
    /// <summary>How far back the occurrence before the first one is looked for (a yearly cron has one within 28 years).</summary>
    private static readonly TimeSpan LongestGap = TimeSpan.FromDays(366 * 28);

    public TimeSpan Grace { get; } = grace;

    /// <summary>The first occurrence whose deadline is after <paramref name="after"/>, or null when the cron never fires again.</summary>
    public HeartbeatDue? NextAfter(DateTimeOffset after)
    {
        var dues = Between(after, DateTimeOffset.MaxValue, 1, out _);
        return dues.Count == 0 ? null : dues[0];
    }

    /// <summary>
    /// The occurrences whose deadlines fall in (<paramref name="after"/>, <paramref name="upTo"/>], oldest first. At most
    /// <paramref name="max"/>: when more fall in the range, the newest <paramref name="max"/> are given and
    /// <paramref name="skipped"/> says how many older ones were left out.
    /// </summary>
    public IReadOnlyList<HeartbeatDue> Between(DateTimeOffset after, DateTimeOffset upTo, int max, out int skipped)
    {
        skipped = 0;
        var dues = new Queue<HeartbeatDue>();

        // Deadline > after  ⇔  occurrence > after - grace.
        var start = after - Grace;
        if (cron.NextAfter(start) is not { } first)
        {
            return [];
        }

        var previous = PreviousBefore(first);
        var occurrence = first;
        while (occurrence + Grace <= upTo)
        {
            if (dues.Count == max)
            {
                dues.Dequeue();
                skipped++;
            }

            dues.Enqueue(new HeartbeatDue(previous, occurrence, occurrence + Grace));
            if (upTo == DateTimeOffset.MaxValue && dues.Count == max)
            {
                break;
            }

            previous = occurrence;
            if (cron.NextAfter(occurrence) is not { } next)
            {
                break;
            }

            occurrence = next;
        }

        return dues.ToArray();
    }

    /// <summary>
    /// The last occurrence before <paramref name="occurrence"/>: searched by widening steps back (the cron library
    /// only looks forward), then walked forward. When there is none, a time one step before it (nothing was due then).
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
}
