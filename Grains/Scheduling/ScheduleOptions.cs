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

    /// <summary>
    /// The share of the gap between two occurrences over which those services are spread (0 to 1, default 1: the whole gap,
    /// so a fleet's crons add up to an even load instead of all starting their windows together at the top of each minute;
    /// a service's check of an occurrence still starts before its next occurrence's). Half, the default until issue 16's
    /// thirteenth part, made a million services on the default mix offer twice their average rate for the first seconds
    /// of each minute (docs/PERFORMANCE.md).
    /// </summary>
    public double SpreadFraction { get; set; } = 1;

    /// <summary>
    /// How many checks of services sharing one cron a silo starts per second at most before their spread grows past
    /// <see cref="MaxSpread"/> (default 500): the window doubles until the silo's share of them fits, up to
    /// <see cref="MaxFleetSpread"/> and <see cref="SpreadFraction"/> of the gap (<see cref="SpreadPolicy"/>). 0 keeps MaxSpread.
    /// </summary>
    public int SpreadChecksPerSecond { get; set; } = 500;

    /// <summary>
    /// The widest a fleet can grow a cron's spread to (default 5 min): the tolerance a user can rely on whatever the fleet,
    /// e.g. the check of the occurrence at 09:00 of a daily cron starts by 09:05; a minute-scale cron is held to its gap (SpreadFraction).
    /// </summary>
    public TimeSpan MaxFleetSpread { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The two as one value.</summary>
    public SpreadLimits Spread => new(MaxSpread, SpreadFraction);

    /// <summary>
    /// Period of each silo's sweep that wakes the enabled services of its share whose grains are not active on it (a grain
    /// lost to anything but a silo's death, which is swept at once). One query for the enabled ids each period.
    /// </summary>
    public TimeSpan WakeUpPeriod { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A check timer that fires later than this first confirms from the membership table that this silo is
    /// still a member (a silo resumed from a freeze may have been declared dead and its services taken over).
    /// </summary>
    public TimeSpan ConfirmMembershipWhenLateBy { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether a saturated silo paces its scheduled checks (<see cref="CheckAdmission"/>): it checks as many services on
    /// time as it can finish and skips the rest of the occurrences (counted as <c>saturated</c>), rather than letting every
    /// check and the API fall behind together. On by default.
    /// </summary>
    public bool PaceChecks { get; set; } = true;

    /// <summary>A service timer firing later than this after its set time counts as a sign of saturation (default 250 ms).</summary>
    public TimeSpan PaceWhenLateBy { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The fewest scheduled checks per second a paced silo still admits (default 50).</summary>
    public int MinChecksPerSecond { get; set; } = 50;
}
