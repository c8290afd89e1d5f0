using Microsoft.Extensions.Options;

namespace Monitoring.Grains.Scheduling;

/// <summary>
/// The spread each cron gets on this silo, grown with the fleet: services sharing a cron start over
/// <see cref="ScheduleOptions.MaxSpread"/> (5 s) while that keeps them under <see cref="ScheduleOptions.SpreadChecksPerSecond"/>
/// per silo; beyond that the window doubles until it does, up to <see cref="ScheduleOptions.MaxFleetSpread"/> (5 min),
/// and always within <see cref="ScheduleOptions.SpreadFraction"/> of the gap (<see cref="SpreadLimits.WindowFor"/>).
/// The counts come from the fleet's sweeps (<see cref="Census"/>): every silo reads the same table, so every silo (and
/// every query of <c>next_check_at</c>) computes the same window. Doubling keeps offsets stable while a fleet grows:
/// a service's planned time moves only when its cron's count crosses a power of two.
/// </summary>
public sealed class SpreadPolicy(IOptions<ScheduleOptions> options)
{
    private volatile Snapshot current = new(new Dictionary<string, int>(StringComparer.Ordinal), 1);

    /// <summary>
    /// Takes the fleet's enabled (non-heartbeat) services per cron expression and the number of active silos that share
    /// them (at least 1). Called by each sweep; the next occurrence each grain arms uses the new windows.
    /// </summary>
    public void Census(IReadOnlyDictionary<string, int> servicesPerCron, int activeSilos) =>
        current = new Snapshot(new Dictionary<string, int>(servicesPerCron, StringComparer.Ordinal), Math.Max(1, activeSilos));

    /// <summary>The services on <paramref name="cron"/> one silo starts (the fleet's count over the active silos, rounded up).</summary>
    public int SharersPerSilo(string cron)
    {
        var snapshot = current;
        return snapshot.PerCron.TryGetValue(cron.Trim(' '), out var count) ? (count + snapshot.Silos - 1) / snapshot.Silos : 0;
    }

    /// <summary>The smallest cap any cron gets, whatever its fleet (<see cref="ScheduleOptions.MaxSpread"/>): a cap is never below it.</summary>
    public TimeSpan SmallestCap => options.Value.MaxSpread;

    /// <summary>The limits for a service on <paramref name="cron"/>: <see cref="ScheduleOptions.Spread"/> with its cap grown for the fleet.</summary>
    public SpreadLimits For(string cron) => For(options.Value, SharersPerSilo(cron));

    /// <summary>
    /// The limits for <paramref name="sharers"/> services of one cron on one silo: the cap is <c>MaxSpread × 2^k</c> for the
    /// least k that keeps them at most <c>SpreadChecksPerSecond</c>, never above <c>MaxFleetSpread</c> (nor below MaxSpread).
    /// </summary>
    public static SpreadLimits For(ScheduleOptions options, int sharers)
    {
        var cap = options.MaxSpread;
        if (cap <= TimeSpan.Zero || options.SpreadChecksPerSecond <= 0)
        {
            return options.Spread;
        }

        while (sharers > options.SpreadChecksPerSecond * cap.TotalSeconds && cap < options.MaxFleetSpread)
        {
            cap += cap;
        }

        return new SpreadLimits(cap < options.MaxFleetSpread ? cap : options.MaxFleetSpread, options.SpreadFraction);
    }

    private sealed record Snapshot(Dictionary<string, int> PerCron, int Silos);
}
