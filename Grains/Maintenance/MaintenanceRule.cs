using Monitoring.Grains.Scheduling;

namespace Monitoring.Grains.Maintenance;

/// <summary>
/// A maintenance window as the checks see it: which services of which client it covers and when it is open.
/// One-off: [<paramref name="StartsAt"/>, <paramref name="EndsAt"/>). Recurring: each occurrence o of
/// <paramref name="Cron"/> opens [o, o + <paramref name="Duration"/>).
/// </summary>
public sealed record MaintenanceRule(
    long Id,
    long ClientId,
    IReadOnlyCollection<long> ServiceIds,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    CronSchedule? Cron,
    TimeSpan Duration)
{
    /// <summary>Whether a window of this rule is open at <paramref name="at"/>.</summary>
    public bool IsOpenAt(DateTimeOffset at)
    {
        if (StartsAt is { } start && EndsAt is { } end)
        {
            return at >= start && at < end;
        }

        // The first occurrence after (at − duration) is at or before `at` exactly when one window holds `at`.
        return Cron?.NextAfter(at - Duration) is { } occurrence && occurrence <= at;
    }

    /// <summary>Whether the window covers <paramref name="serviceId"/> of <paramref name="clientId"/> at <paramref name="at"/>.</summary>
    public bool Covers(long clientId, long serviceId, DateTimeOffset at) =>
        clientId == ClientId && (ServiceIds.Count == 0 || ServiceIds.Contains(serviceId)) && IsOpenAt(at);
}
