using System.Globalization;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Uptime;
using Npgsql;

namespace Monitoring.Grains.Data;

/// <summary>
/// Sums over a service's results for the uptime window: partial buckets, hourly aggregates to rebuild a window,
/// and the results committed since a snapshot. Whole UTC hours are read from service_status_hourly (kept by a trigger
/// in the transaction of every insert, so equal to the raw rows), only the partial hours at a range's edges from
/// service_status (an index-only scan of service_status_service_checked_at): a 90-day sum reads at most 2,160 hourly
/// rows, never the raw results. Results in a maintenance window count toward nothing but their own count.
/// </summary>
public sealed class UptimeHistoryStore(NpgsqlDataSource dataSource) : IUptimeHistory
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private const string Aggregates = """
        coalesce(sum(results), 0)::bigint, coalesce(sum(up), 0)::bigint, coalesce(sum(degraded), 0)::bigint, coalesce(sum(response_time_ms), 0)::bigint
        """;

    public async Task<UptimeCounts> SumAsync(long serviceId, DateTimeOffset from, DateTimeOffset until)
    {
        await using var command = HourlyCommand($"SELECT {Aggregates} FROM {{0}}", serviceId, from, until);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ReadCounts(reader, 0);
    }

    public async Task<IReadOnlyDictionary<DateTimeOffset, UptimeCounts>> SumByHourAsync(long serviceId, DateTimeOffset from, DateTimeOffset until)
    {
        await using var command = HourlyCommand($"SELECT hour, {Aggregates} FROM {{0}} GROUP BY hour", serviceId, from, until);
        var hours = new Dictionary<DateTimeOffset, UptimeCounts>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            hours[reader.GetTime(0)] = ReadCounts(reader, 1);
        }

        return hours;
    }

    /// <summary>
    /// A command over <c>(hour, results, up, degraded, response_time_ms, maintenance)</c> rows whose sums equal those of
    /// the service's results with <paramref name="from"/> ≤ checked_at &lt; <paramref name="until"/>: the whole hours in
    /// between from service_status_hourly, the partial ones at either edge from service_status (grouped by hour).
    /// <paramref name="select"/> names that relation <c>{0}</c>; its parameters are $1 to $5.
    /// </summary>
    private NpgsqlCommand HourlyCommand(string select, long serviceId, DateTimeOffset from, DateTimeOffset until)
    {
        var (firstWhole, endWhole) = WholeHours(from, until);
        return dataSource.CreateCommand(string.Format(CultureInfo.InvariantCulture, select, Hourly("= $1", "$2", "$3", "$4", "$5")))
            .With(serviceId).With(from).With(firstWhole).With(endWhole).With(until);
    }

    /// <summary>
    /// The whole UTC hours inside [from, until) as [first, end); an empty range at <paramref name="until"/> when there
    /// is none (then the edges cover everything).
    /// </summary>
    public static (DateTimeOffset First, DateTimeOffset End) WholeHours(DateTimeOffset from, DateTimeOffset until)
    {
        var ceiling = new DateTimeOffset(from.UtcTicks - (from.UtcTicks % Hour.Ticks), TimeSpan.Zero);
        if (ceiling < from)
        {
            ceiling += Hour;
        }

        var first = ceiling < until ? ceiling : until;
        var floor = new DateTimeOffset(until.UtcTicks - (until.UtcTicks % Hour.Ticks), TimeSpan.Zero);
        return (first, floor > first ? floor : first);
    }

    /// <summary>
    /// The relation of <see cref="HourlyCommand"/> for the services matched by <paramref name="services"/> (such as
    /// <c>= $1</c> or <c>= ANY($1)</c>); with <paramref name="byService"/> its rows lead with service_id.
    /// </summary>
    private static string Hourly(string services, string from, string firstWhole, string endWhole, string until, bool byService = false)
    {
        var id = byService ? "service_id, " : "";
        return $"""
            (SELECT {id}hour, results, up, degraded, response_time_ms, maintenance FROM service_status_hourly
             WHERE service_id {services} AND hour >= {firstWhole} AND hour < {endWhole}
             UNION ALL
             SELECT {id}date_trunc('hour', checked_at, 'UTC'), count(*) FILTER (WHERE NOT in_maintenance),
                    count(*) FILTER (WHERE NOT in_maintenance AND status = 'up'), count(*) FILTER (WHERE NOT in_maintenance AND status = 'degraded'),
                    coalesce(sum(response_time_ms) FILTER (WHERE NOT in_maintenance), 0), count(*) FILTER (WHERE in_maintenance)
             FROM service_status
             WHERE service_id {services} AND ((checked_at >= {from} AND checked_at < {firstWhole}) OR (checked_at >= {endWhole} AND checked_at < {until}))
             GROUP BY {(byService ? "1, 2" : "1")}) hourly
            """;
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

    /// <summary>
    /// <see cref="ResultsSinceAsync"/> of many services in one query: for each (service, since) pair, its results checked at
    /// or after since, oldest first; a service with none is left out.
    /// </summary>
    public async Task<Dictionary<long, List<(DateTimeOffset CheckedAt, string Status, int ResponseTimeMs)>>> ResultsSinceManyAsync(
        IReadOnlyCollection<(long ServiceId, DateTimeOffset Since)> services)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT k.id, s.checked_at, s.status, s.response_time_ms
            FROM unnest($1::bigint[], $2::timestamptz[]) AS k(id, since)
            CROSS JOIN LATERAL (
                SELECT checked_at, status, response_time_ms FROM service_status
                WHERE service_id = k.id AND checked_at >= k.since AND NOT in_maintenance) s
            ORDER BY k.id, s.checked_at
            """).With(services.Select(s => s.ServiceId).ToArray()).With(services.Select(s => s.Since).ToArray());
        var results = new Dictionary<long, List<(DateTimeOffset, string, int)>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            if (!results.TryGetValue(id, out var list))
            {
                results[id] = list = [];
            }

            list.Add((reader.GetTime(1), reader.GetString(2), reader.GetInt32(3)));
        }

        return results;
    }

    /// <summary>
    /// <see cref="SumByHourAsync"/> of many services over one range in one query; a service with no result in it is left out.
    /// </summary>
    public async Task<Dictionary<long, Dictionary<DateTimeOffset, UptimeCounts>>> SumByHourManyAsync(IReadOnlyCollection<long> serviceIds, DateTimeOffset from, DateTimeOffset until)
    {
        var (firstWhole, endWhole) = WholeHours(from, until);
        await using var command = dataSource.CreateCommand($"""
            SELECT service_id, hour, {Aggregates} FROM {Hourly("= ANY($1)", "$2", "$3", "$4", "$5", byService: true)}
            GROUP BY service_id, hour
            """).With(serviceIds as long[] ?? serviceIds.ToArray()).With(from).With(firstWhole).With(endWhole).With(until);
        var sums = new Dictionary<long, Dictionary<DateTimeOffset, UptimeCounts>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            if (!sums.TryGetValue(id, out var hours))
            {
                sums[id] = hours = [];
            }

            hours[reader.GetTime(1)] = ReadCounts(reader, 2);
        }

        return sums;
    }

    public async Task<bool> HasMaintenanceResultsAsync(long serviceId)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM service_status_hourly WHERE service_id = $1 AND maintenance > 0)").With(serviceId);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    public async Task<MaintenanceCounts> MaintenanceChecksAsync(long serviceId, DateTimeOffset from, DateTimeOffset to, TimeSpan? bucket, DateTimeOffset bucketsFrom, DateTimeOffset bucketsUntil)
    {
        // The total is inclusive of to: checked_at is stored in whole milliseconds.
        var until = to + TimeSpan.FromMilliseconds(1);
        var (firstWhole, endWhole) = WholeHours(from, until);
        var unit = bucket == TimeSpan.FromDays(1) ? "day" : "hour";
        var sql = $"SELECT NULL::timestamptz, coalesce(sum(maintenance), 0)::bigint FROM {Hourly("= $1", "$2", "$3", "$4", "$5")}";
        var (bucketsFirstWhole, bucketsEndWhole) = WholeHours(bucketsFrom, bucketsUntil);
        if (bucket is not null)
        {
            sql += $"""

                UNION ALL
                SELECT date_trunc('{unit}', hour, 'UTC'), sum(maintenance)::bigint FROM {Hourly("= $1", "$6", "$7", "$8", "$9")}
                GROUP BY 1 HAVING sum(maintenance) > 0
                """;
        }

        await using var command = dataSource.CreateCommand(sql).With(serviceId).With(from).With(firstWhole).With(endWhole).With(until);
        if (bucket is not null)
        {
            command.With(bucketsFrom).With(bucketsFirstWhole).With(bucketsEndWhole).With(bucketsUntil);
        }

        long total = 0;
        var byBucket = new Dictionary<DateTimeOffset, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (reader.IsDBNull(0))
            {
                total = reader.GetInt64(1);
            }
            else
            {
                byBucket[reader.GetTime(0)] = reader.GetInt64(1);
            }
        }

        return new MaintenanceCounts(total, byBucket);
    }

    private static UptimeCounts ReadCounts(NpgsqlDataReader reader, int first) =>
        new(reader.GetInt64(first), reader.GetInt64(first + 1), reader.GetInt64(first + 2), reader.GetInt64(first + 3));
}
