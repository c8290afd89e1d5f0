namespace Monitoring.IntegrationTests.Infrastructure;

/// <summary>The stored side of <see cref="TargetServer.Answers"/>: which numbered answers a service's stored results came from.</summary>
public static class NumberedAnswers
{
    /// <summary>The request numbers kept in the <c>details</c> of the service's stored results (one per result).</summary>
    public static async Task<HashSet<int>> StoredAsync(TestDatabase database, long service) =>
        [.. await database.ScalarAsync<int[]>(
            "SELECT coalesce(array_agg((details->'request'->>'number')::int), '{}') FROM service_status WHERE service_id = $1 AND details ? 'request'", service)];

    /// <summary>How many of the service's stored results share a request number with another: 0 when each answer is stored once.</summary>
    public static Task<long> StoredTwiceAsync(TestDatabase database, long service) =>
        database.ScalarAsync<long>("SELECT count(*) - count(DISTINCT details->'request'->>'number') FROM service_status WHERE service_id = $1", service);
}
