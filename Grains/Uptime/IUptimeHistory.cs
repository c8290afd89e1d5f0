using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Uptime;

/// <summary>Sums over a service's stored results, for what the window cannot answer (partial buckets).</summary>
public interface IUptimeHistory
{
    /// <summary>Counts of results with <paramref name="from"/> ≤ checked_at &lt; <paramref name="until"/>.</summary>
    Task<UptimeCounts> SumAsync(long serviceId, DateTimeOffset from, DateTimeOffset until);

    /// <summary>The same, grouped by UTC hour (hours without results are left out).</summary>
    Task<IReadOnlyDictionary<DateTimeOffset, UptimeCounts>> SumByHourAsync(long serviceId, DateTimeOffset from, DateTimeOffset until);

    /// <summary>Whether any result of the service was taken in a maintenance window (most never were: their reports skip the count).</summary>
    Task<bool> HasMaintenanceResultsAsync(long serviceId);

    /// <summary>
    /// The results taken in a maintenance window (which the sums leave out): how many have <paramref name="from"/> ≤
    /// checked_at ≤ <paramref name="to"/>, and with a <paramref name="bucket"/> width how many fall in each UTC bucket
    /// between <paramref name="bucketsFrom"/> and <paramref name="bucketsUntil"/> (buckets without any are left out).
    /// </summary>
    Task<MaintenanceCounts> MaintenanceChecksAsync(long serviceId, DateTimeOffset from, DateTimeOffset to, TimeSpan? bucket, DateTimeOffset bucketsFrom, DateTimeOffset bucketsUntil);
}

/// <summary>Maintenance results of a period and per bucket start.</summary>
public sealed record MaintenanceCounts(long Total, IReadOnlyDictionary<DateTimeOffset, long> ByBucket)
{
    public static MaintenanceCounts None { get; } = new(0, new Dictionary<DateTimeOffset, long>());
}
