using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Grains.Alerting;
using Monitoring.Grains.Feed;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Alerting;

/// <summary>
/// The incident history an activation read with the service's row stands in for the read at the first result only while
/// nothing could have changed it: with no journal replayed by the silo's writer since, under the same failure threshold,
/// and within 30 s of the read (the activation's own, or a sweep's ahead of it) or, for a sweep's read made while the
/// silo was alone, up to 11 minutes while the fleet is unchanged. Otherwise the first result reads it again and counts what
/// was stored meanwhile. Real PostgreSQL.
/// </summary>
public sealed class IncidentHistoryPreloadTests : FreshDatabaseTests
{
    public static TheoryData<string, bool, int, int, bool, int, bool?> Cases => new()
    {
        // why; the writer replayed nothing since; seconds from activation to the first result; failure threshold when
        // read; whether the bad result stored meanwhile counts (two bad in a row open an incident); seconds from the
        // read to the activation (a sweep reads ahead of its wake calls); for a sweep's read made while this silo was
        // alone, whether the fleet is still unchanged (null: not such a read)
        { "fresh and current: the activation's read stands in", true, 5, 2, false, 0, null },
        { "a journal replayed since: read again", false, 5, 2, true, 0, null },
        { "over 30 s since the activation: read again", true, 31, 2, true, 0, null },
        { "failure_threshold changed since: read again", true, 5, 3, true, 0, null },
        { "a sweep's read 8 s before the activation, first result 20 s after it: stands in", true, 20, 2, false, 8, null },
        { "a sweep's read 8 s before the activation, first result 25 s after it (33 s after the read): read again", true, 25, 2, true, 8, null },
        { "a sweep's read while alone, the fleet unchanged, first result 5 min later: stands in", true, 300, 2, false, 8, true },
        { "a sweep's read while alone, a silo joined since, first result 5 min later: read again", true, 300, 2, true, 8, false },
        { "a sweep's read while alone, the fleet unchanged, a journal replayed since: read again", false, 300, 2, true, 8, true },
        { "a sweep's read while alone, the fleet unchanged, failure_threshold changed: read again", true, 300, 3, true, 8, true },
        { "a sweep's read while alone, the fleet unchanged, first result 10 min 50 s after the read: stands in", true, 642, 2, false, 8, true },
        { "a sweep's read while alone, the fleet unchanged, first result over 11 min after the read: read again", true, 653, 2, true, 8, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_history_read_at_activation_stands_in_only_while_nothing_could_have_changed_it(string why, bool nothingReplayed, int seconds, int thresholdWhenRead, bool storedBadCounts, int readBefore, bool? aloneSinceRead)
    {
        // Arrange: an activation read an empty history; then a bad result of the service was stored by someone else.
        var client = await Database.ScalarAsync<long>("INSERT INTO clients (name) VALUES ('preload') RETURNING id");
        var service = await Database.ScalarAsync<long>(
            "INSERT INTO client_services (client_id, name, endpoint_url, enabled, failure_threshold) VALUES ($1, 'svc', 'http://127.0.0.1:9/', false, 2) RETURNING id", client);
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds()));

        // Never started: Publish only queues, and nothing here reaches a gateway.
        var feed = new FeedPublisher(null!, NullLogger<FeedPublisher>.Instance);
        var alerting = new ServiceAlerting(service, new IncidentStore(Database.DataSource, new DeliverySignal()), feed, clock, NullLogger.Instance);
        alerting.Preload(IncidentHistory.None, thresholdWhenRead, () => nothingReplayed, clock.GetUtcNow().AddSeconds(-readBefore),
            aloneSinceRead is { } alone ? () => alone : null);
        await StoreDownAsync(service, client, clock.GetUtcNow().AddSeconds(1));

        // Act: the grain's first result, bad, stored and then observed.
        clock.Advance(TimeSpan.FromSeconds(seconds));
        var checkedAt = clock.GetUtcNow();
        await StoreDownAsync(service, client, checkedAt);
        var config = new ServiceConfig { Id = service, ClientId = client, Name = "svc", EndpointUrl = "http://127.0.0.1:9/", FailureThreshold = 2 };
        alerting.Observe(new StatusRecord(0, service, client, HealthStatus.Down, 503, 3, null, "HTTP 503", null, "schedule", checkedAt), config);
        await alerting.WaitAsync(CancellationToken.None);

        // Assert
        var open = await Database.ScalarAsync<long>("SELECT count(*) FROM incidents WHERE service_id = $1 AND status = 'open'", service);
        Assert.True((storedBadCounts ? 1L : 0L) == open, $"{why}: {open} open incidents");
    }

    private Task StoreDownAsync(long service, long client, DateTimeOffset checkedAt) => Database.ExecuteAsync($"""
        INSERT INTO service_status (id, service_id, client_id, status, status_code, response_time_ms, trigger, checked_at, error)
        VALUES (nextval('service_status_id_seq'), {service}, {client}, 'down', 503, 3, 'schedule', '{checkedAt:O}', 'HTTP 503')
        """);
}
