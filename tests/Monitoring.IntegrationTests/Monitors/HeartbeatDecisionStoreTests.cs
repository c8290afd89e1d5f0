using Monitoring.Grains.Data;
using Monitoring.Grains.Heartbeats;
using Monitoring.Grains.History;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Monitors;

/// <summary>A heartbeat's deadline is stored once, by its key, whoever decides it again and under whatever grace.</summary>
public sealed class HeartbeatDecisionStoreTests : FreshDatabaseTests
{
    public static TheoryData<string, int> Again => new()
    {
        // what the second decision differs in, its deadline's offset from the first one's (seconds)
        { "the same deadline (another silo, a duplicate activation)", 0 },
        { "a longer grace since (a catch-up after a failover under the new config)", 30 },
        { "a shorter grace since", -20 },
    };

    [Theory]
    [MemberData(nameof(Again))]
    public async Task A_deadline_decided_again_is_not_stored_twice(string why, int laterBySeconds)
    {
        // Arrange: a missed occurrence of a service decided once.
        var client = await Database.ScalarAsync<long>("INSERT INTO clients (name) VALUES ('heartbeats') RETURNING id");
        var service = await Database.ScalarAsync<long>(
            "INSERT INTO client_services (client_id, name, endpoint_url, enabled) VALUES ($1, 'job', 'http://127.0.0.1:9/', false) RETURNING id", client);
        using var metrics = new HistoryMetrics();
        var store = new HeartbeatStore(Database.DataSource, metrics);
        var occurrence = DateTimeOffset.UtcNow.AddMinutes(-10).ToMilliseconds();
        HeartbeatStore.Deadline Deadline(int offset) =>
            new(occurrence.AddMinutes(-5), occurrence.AddSeconds(60 + offset), false, $"miss:{occurrence:O}", 60_000, "no ping", false);
        var first = await store.DecideAsync(service, client, [Deadline(0)], occurrence.AddSeconds(60));

        // Act
        var second = await store.DecideAsync(service, client, [Deadline(laterBySeconds)], occurrence.AddSeconds(60 + laterBySeconds));

        // Assert
        Assert.Single(first);
        Assert.True(second.Count == 0, why);
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM service_status WHERE service_id = $1", service));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT coalesce(sum(results), 0) FROM service_status_hourly WHERE service_id = $1", service));
    }
}
