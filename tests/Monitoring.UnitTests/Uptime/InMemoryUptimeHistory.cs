using Monitoring.Grains.Checking;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;

namespace Monitoring.UnitTests.Uptime;

/// <summary>The SQL of UptimeHistoryStore over a list: from ≤ checked_at &lt; until, grouped by UTC hour on request.</summary>
internal sealed class InMemoryUptimeHistory(long expectedServiceId, IReadOnlyList<CheckRow> rows) : IUptimeHistory
{
    public Task<UptimeCounts> SumAsync(long serviceId, DateTimeOffset from, DateTimeOffset until)
    {
        Assert.Equal(expectedServiceId, serviceId);
        return Task.FromResult(Sum(rows.Where(r => r.CheckedAt >= from && r.CheckedAt < until)));
    }

    public Task<IReadOnlyDictionary<DateTimeOffset, UptimeCounts>> SumByHourAsync(long serviceId, DateTimeOffset from, DateTimeOffset until)
    {
        Assert.Equal(expectedServiceId, serviceId);
        IReadOnlyDictionary<DateTimeOffset, UptimeCounts> hours = rows
            .Where(r => r.CheckedAt >= from && r.CheckedAt < until)
            .GroupBy(r => FloorToHour(r.CheckedAt))
            .ToDictionary(g => g.Key, Sum);
        return Task.FromResult(hours);
    }

    /// <summary>These rows are never in a maintenance window (the maintenance arithmetic is proven against PostgreSQL).</summary>
    public Task<MaintenanceCounts> MaintenanceChecksAsync(long serviceId, DateTimeOffset from, DateTimeOffset to, TimeSpan? bucket, DateTimeOffset bucketsFrom, DateTimeOffset bucketsUntil)
    {
        Assert.Equal(expectedServiceId, serviceId);
        return Task.FromResult(MaintenanceCounts.None);
    }

    public Task<bool> HasMaintenanceResultsAsync(long serviceId) => Task.FromResult(false);

    public static UptimeCounts Sum(IEnumerable<CheckRow> rows)
    {
        var list = rows.ToList();
        return new UptimeCounts(
            list.Count,
            list.Count(r => r.Status == HealthStatus.Up),
            list.Count(r => r.Status == HealthStatus.Degraded),
            list.Sum(r => (long)r.ResponseTimeMs));
    }

    public static DateTimeOffset FloorToHour(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
}
