using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Monitoring.Grains.Scheduling;

/// <summary>
/// The spread each cron gets on this silo, grown with the fleet: services sharing a cron start over
/// <see cref="ScheduleOptions.MaxSpread"/> (5 s) while that keeps them under <see cref="ScheduleOptions.SpreadChecksPerSecond"/>
/// per silo; beyond that the window doubles until it does, up to <see cref="ScheduleOptions.MaxFleetSpread"/> (5 min),
/// and always within <see cref="ScheduleOptions.SpreadFraction"/> of the gap (<see cref="SpreadLimits.WindowFor"/>).
/// The counts come from the fleet's sweeps (<see cref="Census"/>): every silo reads the same table and computes the same
/// window from it. Between two sweeps (2 minutes apart) a silo adds the services that joined a cron on it
/// (<see cref="Joined"/>): a fleet created in bulk would otherwise arm its first occurrences over the window of the
/// fleet the last sweep counted, and start them together (100,000 services created in 3.6 minutes through the API,
/// issue 16). Those additions are this silo's alone until the next sweep counts them for every silo, so until then the
/// <c>next_check_at</c> another silo computes for such a service may differ from the grain's, by a doubling at most.
/// Doubling keeps offsets stable while a fleet grows: a service's planned time moves only when its cron's count crosses
/// a power of two.
/// </summary>
public sealed class SpreadPolicy(IOptions<ScheduleOptions> options)
{
    private volatile Snapshot current = new(new Dictionary<string, int>(StringComparer.Ordinal), 1);

    /// <summary>
    /// Takes the fleet's enabled (non-heartbeat) services per cron expression and the number of active silos that share
    /// them (at least 1), in place of the last census and what joined since. Called by each sweep; the next occurrence
    /// each grain arms uses the new windows. A service that joins while the sweep reads is lost from the count until the
    /// sweep after (2 minutes).
    /// </summary>
    public void Census(IReadOnlyDictionary<string, int> servicesPerCron, int activeSilos) =>
        current = new Snapshot(new Dictionary<string, int>(servicesPerCron, StringComparer.Ordinal), Math.Max(1, activeSilos));

    /// <summary>
    /// Service <paramref name="serviceId"/> began to be checked on <paramref name="cron"/> on this silo since the last
    /// census (created, enabled, its cron changed to this one, or a heartbeat turned into a checked type): this silo's
    /// count of the cron grows by one at once. A service counts once however often it joins (enabled again, or moved
    /// between crons: it counts on the last). A grain that only moved between silos is in the census already and does
    /// not join.
    /// </summary>
    public void Joined(long serviceId, string cron) => current.Join(serviceId, cron.Trim(' '));

    /// <summary>
    /// Service <paramref name="serviceId"/> stopped being checked on a cron (disabled, or turned into a heartbeat): if it
    /// joined since the last census, it no longer counts. One the census counted keeps counting until the next census
    /// (a window a little wide for 2 minutes).
    /// </summary>
    public void Left(long serviceId) => current.Leave(serviceId);

    /// <summary>
    /// The services on <paramref name="cron"/> one silo starts: the fleet's count over the active silos (rounded up), and
    /// those that joined on this silo since.
    /// </summary>
    public int SharersPerSilo(string cron)
    {
        var snapshot = current;
        var key = cron.Trim(' ');
        var counted = snapshot.PerCron.TryGetValue(key, out var count) ? (count + snapshot.Silos - 1) / snapshot.Silos : 0;
        return counted + snapshot.JoinedOn(key);
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

    private sealed class Snapshot(Dictionary<string, int> perCron, int silos)
    {
        private readonly Lock gate = new();
        private readonly Dictionary<long, string> joinedBy = [];
        private readonly ConcurrentDictionary<string, int> joined = new(StringComparer.Ordinal);

        // Most arms happen with nothing joined since the census: they skip the second lookup.
        private int anyJoined;

        public Dictionary<string, int> PerCron { get; } = perCron;

        public int Silos { get; } = silos;

        public void Join(long serviceId, string cron)
        {
            lock (gate)
            {
                if (joinedBy.TryGetValue(serviceId, out var was))
                {
                    if (was == cron)
                    {
                        return;
                    }

                    joined[was]--;
                }

                joinedBy[serviceId] = cron;
                joined[cron] = joined.GetValueOrDefault(cron) + 1;
            }

            Volatile.Write(ref anyJoined, 1);
        }

        public void Leave(long serviceId)
        {
            lock (gate)
            {
                if (joinedBy.Remove(serviceId, out var was))
                {
                    joined[was]--;
                }
            }
        }

        public int JoinedOn(string cron) => Volatile.Read(ref anyJoined) != 0 && joined.TryGetValue(cron, out var count) ? count : 0;
    }
}
