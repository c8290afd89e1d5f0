using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;
using Npgsql;

namespace Monitoring.Grains.Data;

/// <summary>
/// Sums over service_status for the uptime window: partial buckets, hourly aggregates to rebuild a window,
/// and the results committed since a snapshot. Results in a maintenance window count toward nothing: a sum is
/// every result (an index-only scan of service_status_service_checked_at (service_id, checked_at) INCLUDE
/// (status, response_time_ms)) minus the maintenance ones (the small partial index service_status_in_maintenance),
/// so a table of ordinary results is read as fast as before they existed.
/// </summary>
public sealed class UptimeHistoryStore(NpgsqlDataSource dataSource) : IUptimeHistory
{
    private const string Aggregates = """
        coalesce(sum(sign), 0)::bigint, coalesce(sum(sign) FILTER (WHERE status = 'up'), 0)::bigint,
        coalesce(sum(sign) FILTER (WHERE status = 'degraded'), 0)::bigint, coalesce(sum(sign * response_time_ms), 0)::bigint
        """;

    /// <summary>The results of $1 with $2 ≤ checked_at &lt; $3, as (sign, checked_at, status, response_time_ms): maintenance ones cancel out.</summary>
    private const string Counted = """
        (SELECT 1 AS sign, checked_at, status, response_time_ms FROM service_status WHERE service_id = $1 AND checked_at >= $2 AND checked_at < $3
         UNION ALL
         SELECT -1, checked_at, status, response_time_ms FROM service_status WHERE service_id = $1 AND checked_at >= $2 AND checked_at < $3 AND in_maintenance) counted
        """;

    public async Task<UptimeCounts> SumAsync(long serviceId, DateTimeOffset from, DateTimeOffset until)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Aggregates} FROM {Counted}")
            .With(serviceId).With(from).With(until);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ReadCounts(reader, 0);
    }

    public async Task<IReadOnlyDictionary<DateTimeOffset, UptimeCounts>> SumByHourAsync(long serviceId, DateTimeOffset from, DateTimeOffset until)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT date_trunc('hour', checked_at, 'UTC'), {Aggregates}
            FROM {Counted}
            GROUP BY 1
            """).With(serviceId).With(from).With(until);
        var hours = new Dictionary<DateTimeOffset, UptimeCounts>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            hours[reader.GetTime(0)] = ReadCounts(reader, 1);
        }

        return hours;
    }

    /// <summary>The results of a service checked at or after <paramref name="since"/>, oldest first.</summary>
    public async Task<IReadOnlyList<(DateTimeOffset CheckedAt, string Status, int ResponseTimeMs)>> ResultsSinceAsync(long serviceId, DateTimeOffset since)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT checked_at, status, response_time_ms FROM service_status WHERE service_id = $1 AND checked_at >= $2 AND NOT in_maintenance ORDER BY checked_at")
            .With(serviceId).With(since);
        var results = new List<(DateTimeOffset, string, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results.Add((reader.GetTime(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return results;
    }

    public async Task<bool> HasMaintenanceResultsAsync(long serviceId)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM service_status WHERE service_id = $1 AND in_maintenance)").With(serviceId);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    public async Task<MaintenanceCounts> MaintenanceChecksAsync(long serviceId, DateTimeOffset from, DateTimeOffset to, TimeSpan? bucket, DateTimeOffset bucketsFrom, DateTimeOffset bucketsUntil)
    {
        var unit = bucket == TimeSpan.FromDays(1) ? "day" : "hour";
        await using var command = dataSource.CreateCommand($"""
            SELECT CASE WHEN $6 THEN date_trunc('{unit}', checked_at, 'UTC') END, count(*) FILTER (WHERE checked_at >= $2 AND checked_at <= $3), count(*)
            FROM service_status
            WHERE service_id = $1 AND in_maintenance AND checked_at >= least($2, $4) AND checked_at < greatest($3 + interval '1 millisecond', $5)
            GROUP BY 1
            """).With(serviceId).With(from).With(to).With(bucketsFrom).With(bucketsUntil).With(bucket is not null);
        long total = 0;
        var byBucket = new Dictionary<DateTimeOffset, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            total += reader.GetInt64(1);
            if (!reader.IsDBNull(0))
            {
                byBucket[reader.GetTime(0)] = reader.GetInt64(2);
            }
        }

        return new MaintenanceCounts(total, byBucket);
    }

    private static UptimeCounts ReadCounts(NpgsqlDataReader reader, int first) =>
        new(reader.GetInt64(first), reader.GetInt64(first + 1), reader.GetInt64(first + 2), reader.GetInt64(first + 3));
}
