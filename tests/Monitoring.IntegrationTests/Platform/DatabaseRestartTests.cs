using System.Net;
using Monitoring.IntegrationTests.Infrastructure;
using Npgsql;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>
/// PostgreSQL crashes (immediate shutdown) under a fleet of two silo processes and a gateway and starts again:
/// checks go on meanwhile, every result of the outage is stored once afterwards, and /health says so within seconds.
/// </summary>
public sealed class DatabaseRestartTests
{
    [Fact]
    public async Task A_database_restart_during_checks_loses_no_result_and_health_recovers_within_seconds()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var database = await TestDatabase.CreateAsync(postgres.ServerConnectionString);
        await using var target = await TargetServer.StartAsync();
        await using var fleet = new ProcessFleet(database);
        fleet.StartSilo();
        fleet.StartSilo();
        var (_, http) = await fleet.StartGatewayAsync();
        var client = await http.CreateClientAsync();
        var services = new Dictionary<string, long>();
        foreach (var key in new[] { "restart-a", "restart-b", "restart-c", "restart-d" })
        {
            services[key] = (await http.CreateServiceAsync(client, target.Url($"/numbered/{key}"), new { cron_schedule = "* * * * * *" })).GetProperty("id").GetInt64();
        }

        await Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(DISTINCT service_id) FROM service_status") == services.Count,
            TimeSpan.FromSeconds(30), "every service checked before the crash");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

        // Act: the server crashes, stays down for 8 s, and starts again (crash recovery first).
        await postgres.CrashAsync();
        var crashedAt = DateTimeOffset.UtcNow;
        await Eventually.IsTrueAsync(async () => (await http.GetAsync("/health")).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(15), "/health to report the database down");
        var downFor = crashedAt.AddSeconds(8) - DateTimeOffset.UtcNow;
        await Task.Delay(downFor > TimeSpan.Zero ? downFor : TimeSpan.Zero);
        await postgres.StartAgainAsync();
        var backAt = DateTimeOffset.UtcNow;

        // The test's own pooled connections died with the server.
        NpgsqlConnection.ClearAllPools();

        // Assert: /health is right again within seconds, not at some later pool recycling.
        await Eventually.IsTrueAsync(async () => (await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "/health to report the database back");

        // Every answer the targets sent while the server was down is stored, once (each carries its own number, which
        // the stored result keeps).
        foreach (var (key, service) in services)
        {
            var during = target.Answers(key).Where(a => a.AnsweredAt > crashedAt && a.AnsweredAt < backAt).Select(a => a.Number).ToList();
            Assert.True(during.Count >= 5, $"{key}: only {during.Count} checks while the server was down");
            await Eventually.IsTrueAsync(async () => (await NumberedAnswers.StoredAsync(database, service)).IsSupersetOf(during),
                TimeSpan.FromSeconds(60), $"{key}: the {during.Count} results of the outage to be stored");
            Assert.Equal(0L, await NumberedAnswers.StoredTwiceAsync(database, service));
        }

        // And the checks go on after it.
        var after = DateTimeOffset.UtcNow;
        await Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>(
                "SELECT count(DISTINCT service_id) FROM service_status WHERE checked_at > $1", after.AddSeconds(1)) == services.Count,
            TimeSpan.FromSeconds(15), "every service checked after the restart");
    }
}
