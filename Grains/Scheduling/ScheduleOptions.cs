namespace Monitoring.Grains.Scheduling;

/// <summary>Scheduling settings (section "Scheduling").</summary>
public sealed class ScheduleOptions
{
    /// <summary>
    /// Upper bound of the stable per-service offset that spreads services sharing a cron (default 5 s: a check starts at
    /// most 5 s after its occurrence, so "every 5 minutes" still means a check within 5 minutes and 5 s). Fleets with
    /// many services on one minute-scale cron raise it.
    /// </summary>
    public TimeSpan MaxSpread { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The share of the gap between two occurrences over which those services are spread (0 to 0.5, default 0.5).</summary>
    public double SpreadFraction { get; set; } = 0.5;

    /// <summary>The two as one value.</summary>
    public SpreadLimits Spread => new(MaxSpread, SpreadFraction);

    /// <summary>
    /// Period of each service's durable wake-up reminder. It re-activates the grain after a silo failure
    /// and re-arms its timer; the exact occurrences are run by a one-shot grain timer.
    /// </summary>
    public TimeSpan WakeUpPeriod { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A check timer that fires later than this first confirms from the membership table that this silo is
    /// still a member (a silo resumed from a freeze may have been declared dead and its services taken over).
    /// </summary>
    public TimeSpan ConfirmMembershipWhenLateBy { get; set; } = TimeSpan.FromSeconds(2);
}
