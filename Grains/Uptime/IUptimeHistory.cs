using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Uptime;

/// <summary>Sums over a service's stored results, for what the window cannot answer (partial buckets).</summary>
public interface IUptimeHistory
{
    /// <summary>Counts of results with <paramref name="from"/> ≤ checked_at &lt; <paramref name="until"/>.</summary>
    Task<UptimeCounts> SumAsync(long serviceId, DateTimeOffset from, DateTimeOffset until);

    /// <summary>The same, grouped by UTC hour (hours without results are left out).</summary>
    Task<IReadOnlyDictionary<DateTimeOffset, UptimeCounts>> SumByHourAsync(long serviceId, DateTimeOffset from, DateTimeOffset until);
}
