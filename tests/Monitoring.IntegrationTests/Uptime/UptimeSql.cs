using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Uptime;

/// <summary>
/// The uptime figures computed straight from service_status, to compare the API's answers with: results taken in a
/// maintenance window count toward none of them (alerting.md) and are counted on their own.
/// </summary>
public static class UptimeSql
{
    public static async Task<(long Total, long Up, long Degraded, long Down, long ResponseTimeSum)> CountsAsync(
        TestDatabase database, long serviceId, DateTimeOffset from, DateTimeOffset to)
    {
        var row = await database.ScalarAsync<string>("""
            SELECT count(*) || ',' || count(*) FILTER (WHERE status = 'up') || ',' || count(*) FILTER (WHERE status = 'degraded')
                   || ',' || count(*) FILTER (WHERE status = 'down') || ',' || coalesce(sum(response_time_ms), 0)
            FROM service_status WHERE service_id = $1 AND checked_at >= $2 AND checked_at <= $3 AND NOT in_maintenance
            """, serviceId, from, to);
        var parts = row.Split(',').Select(long.Parse).ToArray();
        return (parts[0], parts[1], parts[2], parts[3], parts[4]);
    }

    public static Task<long> MaintenanceAsync(TestDatabase database, long serviceId, DateTimeOffset from, DateTimeOffset to) =>
        database.ScalarAsync<long>(
            "SELECT count(*) FROM service_status WHERE service_id = $1 AND checked_at >= $2 AND checked_at <= $3 AND in_maintenance", serviceId, from, to);
}
