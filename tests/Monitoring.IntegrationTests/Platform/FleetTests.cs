using System.Diagnostics;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>Silo and gateway processes clustering through PostgreSQL, as a user runs them.</summary>
public sealed class FleetTests
{
    [Fact]
    public async Task Two_silos_serve_the_gateway_and_the_survivor_takes_over_after_one_is_killed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var fleet = new ProcessFleet(database);
        var first = fleet.StartSilo();
        var second = fleet.StartSilo();
        var (_, http) = await fleet.StartGatewayAsync();

        // Both silos answer grain calls that come through the gateway.
        var silos = new HashSet<string>();
        await Eventually.IsTrueAsync(async () =>
        {
            if (await ProcessFleet.AnsweringSiloAsync(http) is { } silo)
            {
                silos.Add(silo);
            }

            return silos.Count == 2;
        }, TimeSpan.FromSeconds(90), "grain calls from the gateway to reach both silos", TimeSpan.FromMilliseconds(20));
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3"));

        // Act: kill the first silo by its PID, without a chance to leave the cluster.
        first.Kill();
        var killed = Stopwatch.StartNew();

        // Assert: within the failure detection time the tests configure, every call succeeds on the survivor.
        var consecutive = 0;
        await Eventually.IsTrueAsync(async () =>
        {
            consecutive = await ProcessFleet.AnsweringSiloAsync(http) is not null ? consecutive + 1 : 0;
            return consecutive >= 20;
        }, TimeSpan.FromSeconds(30), "20 consecutive successful calls after the kill", TimeSpan.FromMilliseconds(50));
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(30));
        Assert.False(second.HasExited, second.Output);
        await Eventually.IsTrueAsync(
            async () => await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 6") == 1,
            TimeSpan.FromSeconds(30), "the killed silo to be declared dead in the membership table");
    }

    [Fact]
    public async Task A_silo_and_a_gateway_on_an_unmigrated_database_say_so_and_exit()
    {
        await using var database = await TestDatabase.CreateAsync(migrate: false);
        await using var fleet = new ProcessFleet(database);

        var silo = fleet.StartSilo();
        var gateway = MonitoringProcess.Start(RepositoryPaths.GatewayDll, fleet.Environment(new Dictionary<string, string?> { ["PORT"] = FreePort.Next().ToString() }));

        Assert.Equal(3, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(3, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("not migrated", silo.Output);
        Assert.Contains("migrate", gateway.Output);
        await gateway.DisposeAsync();
    }

    [Theory]
    [InlineData("DATABASE_URL", "", "DATABASE_URL is required")]
    [InlineData("DATABASE_URL", "mysql://nope", "DATABASE_URL is malformed")]
    [InlineData("ENCRYPTION_KEY", "", "ENCRYPTION_KEY is required")]
    [InlineData("ENCRYPTION_KEY", "too-short", "ENCRYPTION_KEY")]
    public async Task A_silo_with_a_missing_or_malformed_setting_names_it_in_one_line_and_exits(string name, string value, string expected)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var fleet = new ProcessFleet(database);

        var silo = fleet.StartSilo(new Dictionary<string, string?> { [name] = value });

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
    }

    [Theory]
    [InlineData("CHECK_DENIED_NETWORKS", "not-a-network", "CHECK_DENIED_NETWORKS must be comma separated CIDR networks")]
    [InlineData("Scheduling__WakeUpPeriod", "00:00:10", "Scheduling:WakeUpPeriod must be at least one minute")]
    [InlineData("Scheduling__ConfirmMembershipWhenLateBy", "00:00:00", "Scheduling:ConfirmMembershipWhenLateBy must be at least 100 ms")]
    [InlineData("Database__MaxPoolSize", "0", "Database__MaxPoolSize must be a whole number from 1 to 1000")]
    [InlineData("History__BufferCapacity", "0", "History buffer, batch and id block sizes must be positive")]
    [InlineData("History__BufferCapacity", "40000", "History:BufferCapacity must be at least ten times Checks:MaxConcurrentChecks")]
    [InlineData("Checks__UserAgent", "probe 1.0 [x]", "Checks:UserAgent must be product tokens")]
    public async Task A_silo_with_an_option_that_fails_validation_names_it_in_its_last_line_and_exits(string name, string value, string expected)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var fleet = new ProcessFleet(database);

        var silo = fleet.StartSilo(new Dictionary<string, string?> { [name] = value });

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var last = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.StartsWith("monitoring-silo: ", last);
        Assert.Contains(expected, last);
    }

    [Fact]
    public async Task A_silo_with_several_options_failing_exits_with_a_line_that_names_one()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var fleet = new ProcessFleet(database);

        var silo = fleet.StartSilo(new Dictionary<string, string?> { ["Scheduling__WakeUpPeriod"] = "00:00:10", ["History__BufferCapacity"] = "0" });

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var last = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.StartsWith("monitoring-silo: ", last);
        Assert.True(last.Contains("Scheduling:WakeUpPeriod", StringComparison.Ordinal) || last.Contains("History buffer", StringComparison.Ordinal), last);
    }

    [Theory]
    [InlineData("API_KEYS", "", "API_KEYS is required")]
    [InlineData("API_KEYS", "key:notanumber", "API_KEYS")]
    [InlineData("PORT", "seventy", "PORT must be a TCP port")]
    public async Task A_gateway_with_a_missing_or_malformed_setting_names_it_in_one_line_and_exits(string name, string value, string expected)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var fleet = new ProcessFleet(database);
        var environment = fleet.Environment(new Dictionary<string, string?> { ["PORT"] = FreePort.Next().ToString() });
        environment[name] = value;

        await using var gateway = MonitoringProcess.Start(RepositoryPaths.GatewayDll, environment);

        Assert.Equal(2, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(gateway.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task A_silo_stops_cleanly_on_sigterm_and_leaves_the_cluster()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var fleet = new ProcessFleet(database);
        var metricsPort = FreePort.Next();
        var silo = fleet.StartSilo(new Dictionary<string, string?> { ["METRICS_PORT"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await Eventually.IsTrueAsync(
            async () => await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3") == 1,
            TimeSpan.FromSeconds(60), "the silo to become active");

        // Started through and through: its /metrics (Kestrel starts after Orleans has) answers.
        using var probe = new HttpClient();
        await Eventually.IsTrueAsync(async () =>
        {
            try
            {
                return (await probe.GetAsync($"http://127.0.0.1:{metricsPort}/metrics")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the silo's /metrics");

        var exitCode = await silo.TerminateAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, $"exit code {exitCode}; the silo wrote:\n{silo.Output}");
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 6"));
    }
}
