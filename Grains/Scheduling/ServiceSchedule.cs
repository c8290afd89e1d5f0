namespace Monitoring.Grains.Scheduling;

/// <summary>
/// When one service is checked: the occurrences of its cron, each fired at the occurrence plus the
/// service's stable spread offset.
/// </summary>
public sealed class ServiceSchedule
{
    private readonly CronSchedule cron;
    private readonly long serviceId;
    private readonly SpreadLimits fixedSpread;
    private readonly SpreadPolicy? policy;
    private readonly string cronText = string.Empty;

    /// <summary>A schedule whose spread limits never change.</summary>
    public ServiceSchedule(CronSchedule cron, long serviceId, SpreadLimits spread)
    {
        this.cron = cron;
        this.serviceId = serviceId;
        fixedSpread = spread;
    }

    /// <summary>A schedule whose spread follows the fleet on <paramref name="cronText"/> (<see cref="SpreadPolicy"/>), read at each occurrence.</summary>
    public ServiceSchedule(CronSchedule cron, long serviceId, SpreadPolicy policy, string cronText)
    {
        this.cron = cron;
        this.serviceId = serviceId;
        this.policy = policy;
        this.cronText = cronText;
    }

    private SpreadLimits Spread => policy?.For(cronText) ?? fixedSpread;

    /// <summary>
    /// The smallest cap this schedule's spread can ever have: a fixed spread's cap, or the policy's floor
    /// (<see cref="SpreadPolicy.SmallestCap"/>) however its census moves.
    /// </summary>
    public TimeSpan SmallestCap => policy?.SmallestCap ?? fixedSpread.Max;

    /// <summary>The first occurrence after <paramref name="occurrence"/>, with the time it fires.</summary>
    public ScheduledCheck? NextAfter(DateTimeOffset occurrence)
    {
        if (cron.NextAfter(occurrence) is not { } next)
        {
            return null;
        }

        var gap = cron.NextAfter(next) is { } following ? following - next : TimeSpan.MaxValue;
        return new ScheduledCheck(next, next + SpreadOffset.For(serviceId, Spread, gap));
    }

    /// <summary>
    /// The occurrence before <paramref name="occurrence"/>, with the time it fires, when it lies less than twice the
    /// longest offset before it; null when it lies further back (or there is none).
    /// </summary>
    public ScheduledCheck? PreviousNear(DateTimeOffset occurrence)
    {
        ScheduledCheck? previous = null;
        for (var candidate = NextAfter(occurrence - Spread.Max - Spread.Max); candidate is { } check && check.Occurrence < occurrence; candidate = NextAfter(check.Occurrence))
        {
            previous = check;
        }

        return previous;
    }

    /// <summary>The first check that fires after <paramref name="time"/> (its occurrence may lie just before it).</summary>
    public ScheduledCheck? NextFiringAfter(DateTimeOffset time)
    {
        var candidate = NextAfter(time - Spread.Max - TimeSpan.FromTicks(1));
        while (candidate is { } check && check.FireAt <= time)
        {
            candidate = NextAfter(check.Occurrence);
        }

        return candidate;
    }
}

/// <summary>One occurrence of a service's cron and the moment its check starts.</summary>
public readonly record struct ScheduledCheck(DateTimeOffset Occurrence, DateTimeOffset FireAt);
