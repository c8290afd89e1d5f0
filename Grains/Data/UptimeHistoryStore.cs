using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;
using Npgsql;

namespace Monitoring.Grains.Data;

/// <summary>
/// Sums over service_status for the uptime window: partial buckets, hourly aggregates to rebuild a window,
/// and the results committed since a snapshot. All are index-only scans of
/// service_status_service_checked_at (service_id, checked_at) INCLUDE (status, response_time_ms).
/// </summary>
public sealed class UptimeHistoryStore(NpgsqlDataSource dataSource) : IUptimeHistory
{
    private const string Aggregates = """
        count(*), count(*) FILTER (WHERE status = 'up'), count(*) FILTER (WHERE status = 'degraded'), coalesce(sum(response_time_ms), 0)::bigint
        """;

    public async Task<UptimeCounts> SumAsync(long serviceId, DateTimeOffset from, DateTimeOffset until)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Aggregates} FROM service_status WHERE service_id = $1 AND checked_at >= $2 AND checked_at < $3")
            .With(serviceId).With(from).With(until);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ReadCounts(reader, 0);
    }

    public async Task<IReadOnlyDictionary<DateTimeOffset, UptimeCounts>> SumByHourAsync(long serviceId, DateTimeOffset from, DateTimeOffset until)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT date_trunc('hour', checked_at, 'UTC'), {Aggregates}
            FROM service_status WHERE service_id = $1 AND checked_at >= $2 AND checked_at < $3
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
            "SELECT checked_at, status, response_time_ms FROM service_status WHERE service_id = $1 AND checked_at >= $2 ORDER BY checked_at")
            .With(serviceId).With(since);
        var results = new List<(DateTimeOffset, string, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results.Add((reader.GetTime(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return results;
    }

    private static UptimeCounts ReadCounts(NpgsqlDataReader reader, int first) =>
        new(reader.GetInt64(first), reader.GetInt64(first + 1), reader.GetInt64(first + 2), reader.GetInt64(first + 3));
}
