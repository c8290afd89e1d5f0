using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>
/// With silo processes (fast failure detection, as the tests configure it): when a silo is killed or stopped,
/// every service of the fleet is checked again within seconds, not at its wake-up reminder minutes later.
/// </summary>
public sealed class FailoverTests
{
    [Theory]
    [InlineData("kill")]
    [InlineData("sigterm")]
    public async Task Every_service_is_checked_again_within_seconds_after_a_silo_leaves(string how)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var target = await TargetServer.StartAsync();
        await using var fleet = new ProcessFleet(database);
        var first = fleet.StartSilo();
        fleet.StartSilo();
        var (_, http) = await fleet.StartGatewayAsync();
        await Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3") == 2,
            TimeSpan.FromSeconds(60), "both silos to be active");
        var client = await http.CreateClientAsync();
        var services = new List<long>();
        for (var i = 0; i < 16; i++)
        {
            services.Add((await http.CreateServiceAsync(client, target.Reply(200, "{\"status\":\"ok\"}"), new { cron_schedule = "* * * * * *" })).GetProperty("id").GetInt64());
        }

        await Eventually.IsTrueAsync(async () => await CheckedSinceAsync(database, services, DateTimeOffset.UtcNow.AddSeconds(-2)) == services.Count,
            TimeSpan.FromSeconds(30), "every service to be checked before the fault");

        // Act
        if (how == "kill")
        {
            first.Kill();
        }
        else
        {
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(60)));
        }

        var left = DateTimeOffset.UtcNow;

        // Assert: failure detection (about a second with the tests' settings) plus a few seconds, not the 2-minute wake-up.
        await Eventually.IsTrueAsync(async () => await CheckedSinceAsync(database, services, left.AddSeconds(1)) == services.Count,
            TimeSpan.FromSeconds(30), $"every service to be checked again after the {how}");
        Assert.Equal(0L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT service_id, date_trunc('second', checked_at) FROM service_status GROUP BY 1, 2 HAVING count(*) > 1) d"));
    }

    private static Task<long> CheckedSinceAsync(TestDatabase database, List<long> services, DateTimeOffset since) =>
        database.ScalarAsync<long>(
            "SELECT count(DISTINCT service_id) FROM service_status WHERE service_id = ANY($1) AND checked_at > $2 AND trigger = 'schedule'",
            services.ToArray(), since);
}
