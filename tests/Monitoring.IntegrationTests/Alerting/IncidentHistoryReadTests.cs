using Monitoring.Grains.Alerting;
using Monitoring.Grains.Data;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Alerting;

/// <summary>
/// The incident history a grain rebuilds its tracker from is the same whether its activation read it with the service's
/// row (<see cref="ServiceStore.LoadAsync"/>) or its first result read it alone (<see cref="IncidentStore.LoadHistoryAsync"/>):
/// the open incident, and the results after the last one counted, oldest first, results in maintenance left out.
/// </summary>
public sealed class IncidentHistoryReadTests : FreshDatabaseTests
{
    public static TheoryData<string, int, string, string[], string?> Histories => new()
    {
        // case, failure_threshold, incident (none, open at second 20, resolved at second 20), results (second:status,
        // m = in maintenance), expected uncounted
        { "never checked", 3, "none", [], "" },
        { "no incident: the newest failure_threshold (3) results", 3, "none", ["10:up", "11:down", "12:up", "13:down", "14:down"], "12:up 13:down 14:down" },
        { "no incident: the newest failure_threshold (2) results", 2, "none", ["10:up", "11:down", "12:up", "13:down", "14:down"], "13:down 14:down" },
        { "no incident: the newest failure_threshold (5) results", 5, "none", ["09:up", "10:up", "11:down", "12:up", "13:down", "14:down"], "10:up 11:down 12:up 13:down 14:down" },
        { "no incident: results in maintenance do not count", 3, "none", ["10:down", "11:down", "12:down:m", "13:up:m"], "10:down 11:down" },
        { "resolved: only results after the resolve", 3, "resolved", ["19:down", "20:up", "21:down"], "21:down" },
        { "open: every result after the last one counted, whatever the threshold", 2, "open", ["19:down", "20:down", "21:down", "22:up", "23:down", "24:up"], "21:down 22:up 23:down 24:up" },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public async Task The_activation_reads_the_history_the_first_result_would_read(string why, int threshold, string incident, string[] results, string? expected)
    {
        // Arrange
        // Whole milliseconds: the incident columns keep milliseconds, rounded.
        var origin = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());
        var service = await ArrangeAsync(origin, threshold, incident, results);

        // Act
        var withRow = (await new ServiceStore(Database.DataSource).LoadAsync(service))!.History;
        var inBatch = (await new ServiceStore(Database.DataSource).LoadManyAsync([service - 1, service, service + 1]))[service].History;
        var alone = await new IncidentStore(Database.DataSource, new DeliverySignal()).LoadHistoryAsync(service);

        // Assert
        foreach (var history in new[] { withRow, alone, inBatch })
        {
            var uncounted = string.Join(' ', history.Uncounted.Select(c => $"{(c.CheckedAt - origin).TotalSeconds:F0}:{c.Status.ToString().ToLowerInvariant()}"));
            Assert.True(expected == uncounted, $"{why}: expected [{expected}], read [{uncounted}]");
            Assert.Equal(incident == "open", history.Open is not null);
            Assert.Equal(incident == "none" ? null : origin.AddSeconds(20).ToUnixTimeMilliseconds(), history.CountedUntil?.ToUnixTimeMilliseconds());
        }
    }

    [Fact]
    public async Task A_sweep_reads_for_many_services_what_each_activation_reads_for_itself()
    {
        // Arrange: every history of the table above in one database, besides services with a latest result and a last
        // scheduled check of their own, and ids with no row.
        var origin = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());
        var services = new List<long>();
        foreach (var row in Histories)
        {
            services.Add(await ArrangeAsync(origin, (int)row[1], (string)row[2], (string[])row[3]));
        }

        var manual = await ArrangeAsync(origin.AddMinutes(1), 3, "none", ["05:up"]);
        await Database.ExecuteAsync($"UPDATE service_status SET trigger = 'manual' WHERE service_id = {manual}");
        services.Add(manual);
        var store = new ServiceStore(Database.DataSource);
        long[] gone = [services.Max() + 1000, services.Max() + 1001];

        // Act
        var many = await store.LoadManyAsync([.. services, .. gone]);

        // Assert
        Assert.Equal(services.Order(), many.Keys.Order());
        foreach (var id in services)
        {
            var own = await store.LoadAsync(id);
            Assert.Equal(Describe(own!), Describe(many[id]));
        }

        Assert.Null(await store.LoadAsync(gone[0]));
        Assert.Empty(await store.LoadManyAsync(gone));
    }

    // Everything an activation uses of what it read, as text (the config holds arrays, which records compare by reference).
    private static string Describe(StoredService stored) => System.Text.Json.JsonSerializer.Serialize(new
    {
        stored.Config,
        stored.Runtime,
        stored.LastScheduledCheckAt,
        Open = stored.History.Open,
        stored.History.CountedUntil,
        stored.History.Uncounted,
    });

    /// <summary>
    /// A disabled service of a new client with <paramref name="threshold"/>, results at seconds after
    /// <paramref name="origin"/> ("second:status", ":m" in maintenance) and an incident (none, open or resolved at second 20).
    /// </summary>
    private async Task<long> ArrangeAsync(DateTimeOffset origin, int threshold, string incident, string[] results)
    {
        var client = await Database.ScalarAsync<long>("INSERT INTO clients (name) VALUES ('history ' || gen_random_uuid()) RETURNING id");
        var service = await Database.ScalarAsync<long>(
            "INSERT INTO client_services (client_id, name, endpoint_url, enabled, failure_threshold) VALUES ($1, 'svc', 'http://127.0.0.1:9/', false, $2) RETURNING id", client, threshold);
        foreach (var result in results)
        {
            var parts = result.Split(':');
            await Database.ExecuteAsync($"""
                INSERT INTO service_status (id, service_id, client_id, status, status_code, response_time_ms, trigger, checked_at, in_maintenance)
                VALUES (nextval('service_status_id_seq'), {service}, {client}, '{parts[1]}', 200, 3, 'schedule', '{origin.AddSeconds(int.Parse(parts[0])):O}', {(parts.Length > 2 ? "true" : "false")})
                """);
        }

        var at = origin.AddSeconds(20).ToString("O");
        if (incident != "none")
        {
            await Database.ExecuteAsync($"""
                INSERT INTO incidents (service_id, client_id, status, severity, started_at, confirmed_at, resolved_at, resolved_reason, bad_checks, last_checked_at)
                VALUES ({service}, {client}, '{incident}', 'down', '{at}', '{at}', {(incident == "resolved" ? $"'{at}'" : "NULL")}, {(incident == "resolved" ? "'recovered'" : "NULL")}, 2, '{at}')
                """);
        }

        return service;
    }
}
