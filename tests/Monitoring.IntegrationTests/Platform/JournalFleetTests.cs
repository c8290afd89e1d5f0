using System.Net;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>Results of checks made while PostgreSQL is away survive a silo killed in the middle of the outage.</summary>
public sealed class JournalFleetTests
{
    [Fact]
    public async Task A_silo_killed_during_a_database_outage_stores_every_result_once_when_it_starts_again()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var target = await TargetServer.StartAsync();
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, server.Port));
        server.Port = proxy.Port;
        server.Timeout = 2;
        server.CommandTimeout = 5;
        await using var fleet = new ProcessFleet(database);
        var silo = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = server.ConnectionString,
            ["SILO_PORT"] = FreePort.Next().ToString(),
            ["GATEWAY_PORT"] = FreePort.Next().ToString(),
        };
        var first = fleet.StartSilo(silo);
        var (_, http) = await fleet.StartGatewayAsync();
        var client = await http.CreateClientAsync();
        var services = new Dictionary<string, long>();
        foreach (var key in new[] { "journal-a", "journal-b", "journal-c" })
        {
            services[key] = (await http.CreateServiceAsync(client, target.Url($"/hit/{key}"), new { cron_schedule = "* * * * * *" })).GetProperty("id").GetInt64();
        }

        await Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM service_status") >= 6, TimeSpan.FromSeconds(30), "checks stored before the outage");

        // Act: PostgreSQL goes away; checks go on for a few seconds; the silo is killed; PostgreSQL comes back; the silo starts again.
        proxy.Cut();
        var cutAt = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(5));
        first.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        proxy.Restore();
        fleet.StartSilo(silo);

        // Assert: every check a target saw during the outage (up to a second before the kill) is stored, once.
        foreach (var (key, service) in services)
        {
            var during = target.HitTimes(key).Where(t => t > cutAt && t < killedAt - TimeSpan.FromSeconds(1)).ToList();
            Assert.True(during.Count >= 3, $"{key}: only {during.Count} checks during the outage");
            await Eventually.IsTrueAsync(async () => await CountNearAsync(database, service, during) == during.Count,
                TimeSpan.FromSeconds(90), $"{key}: the {during.Count} results of the outage to be stored");
            Assert.Equal(0L, await database.ScalarAsync<long>(
                "SELECT count(*) FROM (SELECT checked_at FROM service_status WHERE service_id = $1 GROUP BY checked_at HAVING count(*) > 1) d", service));
        }

        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) - count(DISTINCT segment_id) FROM status_journal_replays"));
        Assert.True(await database.ScalarAsync<long>("SELECT count(*) FROM status_journal_replays") > 0);
        await Eventually.IsTrueAsync(() => Task.FromResult(!Directory.EnumerateFiles(fleet.JournalFolder, "*.results", SearchOption.AllDirectories).Any()),
            TimeSpan.FromSeconds(30), "the journal to be emptied");
    }

    /// <summary>How many of the hits have a stored result of the service checked before them, one result per hit (<see cref="HitMatching"/>).</summary>
    private static async Task<int> CountNearAsync(TestDatabase database, long service, List<DateTimeOffset> hits)
    {
        var stored = await database.ScalarAsync<DateTime[]>("SELECT coalesce(array_agg(checked_at), '{}') FROM service_status WHERE service_id = $1", service);
        return HitMatching.CountMatched(hits, stored.Select(checkedAt => new DateTimeOffset(checkedAt, TimeSpan.Zero)));
    }
}
