using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Platform;

/// <summary>
/// With silo processes (fast failure detection, as the tests configure it): when a silo is killed, stopped or
/// hung, every service of the fleet is checked again within seconds, not at its wake-up reminder minutes later;
/// a silo stopped gracefully hands its services over without missing an occurrence; no occurrence runs twice.
/// </summary>
public sealed class FailoverTests
{
    private const int ServiceCount = 16;

    [Fact]
    public async Task After_a_kill_every_service_is_checked_again_within_seconds_and_none_twice()
    {
        await using var setup = await FleetUnderTest.StartAsync(spread: true);

        setup.First.Kill();
        var left = DateTimeOffset.UtcNow;

        // Failure detection (about a second with the tests' settings) plus a few seconds, not the 2-minute wake-up.
        await Eventually.IsTrueAsync(async () => await setup.CheckedSinceAsync(left.AddSeconds(1)) == ServiceCount,
            TimeSpan.FromSeconds(12), "every service to be checked again within 12 s of the kill");
        Assert.Equal(0L, await setup.DuplicatesAsync());
    }

    [Fact]
    public async Task A_silo_stopped_with_sigterm_hands_its_services_over_without_missing_an_occurrence()
    {
        await using var setup = await FleetUnderTest.StartAsync(spread: false);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var stopping = DateTimeOffset.UtcNow;

        Assert.Equal(0, await setup.First.TerminateAsync(TimeSpan.FromSeconds(60)));
        await Task.Delay(TimeSpan.FromSeconds(5));

        // Every second of every service has its check, on time: the grains move in a fraction of a second, so no
        // gap is longer than one interval and a little (a missed occurrence and its catch-up would show as more).
        var gaps = await setup.LongestGapsAsync(stopping.AddSeconds(-3), DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal(ServiceCount, gaps.Count);
        Assert.All(gaps, gap => Assert.True(gap.Value < TimeSpan.FromSeconds(1.5), $"service {gap.Key} went {gap.Value.TotalSeconds:0.00} s without a check; the stopped silo said:\n{setup.First.Output}"));
        Assert.Equal(0L, await setup.DuplicatesAsync());
        Assert.Contains(setup.First.OutputLines, line => line.Contains($"handed {ServiceCount} of {ServiceCount} services over"));
    }

    [Fact]
    public async Task A_hung_silo_loses_its_services_to_the_others_and_does_not_check_them_again_when_it_resumes()
    {
        await using var setup = await FleetUnderTest.StartAsync(spread: false);

        setup.First.Pause();
        var hung = DateTimeOffset.UtcNow;
        await Eventually.IsTrueAsync(async () => await setup.CheckedSinceAsync(hung.AddSeconds(2)) == ServiceCount,
            TimeSpan.FromSeconds(15), "every service to be checked again within 15 s while the silo hangs");
        await Task.Delay(TimeSpan.FromSeconds(3));

        // Its timers are all overdue when it resumes; the fleet declared it dead, so it must leave them to the others.
        setup.First.Resume();
        await Task.Delay(TimeSpan.FromSeconds(5));

        Assert.Equal(0L, await setup.DuplicatesAsync());
        Assert.Equal(ServiceCount, await setup.CheckedSinceAsync(DateTimeOffset.UtcNow.AddSeconds(-2)));
    }

    /// <summary>
    /// Two silos, a gateway, and <see cref="ServiceCount"/> services checked every second, each checked once
    /// already: spread over both silos, or all on <see cref="First"/> (created before the second silo started).
    /// </summary>
    private sealed class FleetUnderTest : IAsyncDisposable
    {
        private readonly TestDatabase database;
        private readonly TargetServer target;
        private readonly ProcessFleet fleet;
        private readonly List<long> services = [];

        private FleetUnderTest(TestDatabase database, TargetServer target)
        {
            this.database = database;
            this.target = target;
            fleet = new ProcessFleet(database);
        }

        public MonitoringProcess First { get; private set; } = null!;

        public static async Task<FleetUnderTest> StartAsync(bool spread)
        {
            var setup = new FleetUnderTest(await TestDatabase.CreateAsync(), await TargetServer.StartAsync());
            setup.First = setup.fleet.StartSilo(new Dictionary<string, string?> { ["Logging__LogLevel__Monitoring.Grains.Fleet"] = "Information" });
            if (spread)
            {
                setup.fleet.StartSilo();
            }

            var (_, http) = await setup.fleet.StartGatewayAsync();
            if (spread)
            {
                await setup.WaitForActiveSilosAsync(2);
            }

            var client = await http.CreateClientAsync();
            for (var i = 0; i < ServiceCount; i++)
            {
                setup.services.Add((await http.CreateServiceAsync(client, setup.target.Reply(200, "{\"status\":\"ok\"}"), new { cron_schedule = "* * * * * *" })).GetProperty("id").GetInt64());
            }

            if (!spread)
            {
                setup.fleet.StartSilo();
                await setup.WaitForActiveSilosAsync(2);
            }

            await Eventually.IsTrueAsync(async () => await setup.CheckedSinceAsync(DateTimeOffset.UtcNow.AddSeconds(-2)) == ServiceCount,
                TimeSpan.FromSeconds(30), "every service to be checked before the fault");
            return setup;
        }

        private Task WaitForActiveSilosAsync(int count) =>
            Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3") == count,
                TimeSpan.FromSeconds(60), $"{count} silos to be active");

        /// <summary>How many of the services have a scheduled check stored after <paramref name="since"/>.</summary>
        public Task<long> CheckedSinceAsync(DateTimeOffset since) =>
            database.ScalarAsync<long>(
                "SELECT count(DISTINCT service_id) FROM service_status WHERE service_id = ANY($1) AND checked_at > $2 AND trigger = 'schedule'",
                services.ToArray(), since);

        /// <summary>Scheduled checks of a service less than half a second after the one before: one occurrence run twice.</summary>
        public Task<long> DuplicatesAsync() =>
            database.ScalarAsync<long>(
                """
                SELECT count(*) FROM (
                  SELECT checked_at - lag(checked_at) OVER (PARTITION BY service_id ORDER BY checked_at) AS gap
                  FROM service_status WHERE service_id = ANY($1) AND trigger = 'schedule') g
                WHERE gap < interval '500 milliseconds'
                """,
                services.ToArray());

        /// <summary>Per service, the longest time between two stored checks from <paramref name="from"/> to <paramref name="to"/> (and the window's edges).</summary>
        public async Task<Dictionary<long, TimeSpan>> LongestGapsAsync(DateTimeOffset from, DateTimeOffset to)
        {
            var gaps = new Dictionary<long, TimeSpan>();
            foreach (var id in services)
            {
                var times = await database.ScalarAsync<DateTime[]>(
                    "SELECT coalesce(array_agg(checked_at ORDER BY checked_at), '{}') FROM service_status WHERE service_id = $1 AND checked_at BETWEEN $2 AND $3",
                    id, from, to);
                var points = times.Select(t => new DateTimeOffset(t, TimeSpan.Zero)).Prepend(from).Append(to).ToList();
                gaps[id] = points.Zip(points.Skip(1), (a, b) => b - a).Max();
            }

            return gaps;
        }

        public async ValueTask DisposeAsync()
        {
            if (!First.HasExited)
            {
                // A silo left hung by a failed assertion would not hear the SIGTERM that stops the fleet.
                First.Resume();
            }

            await fleet.DisposeAsync();
            await target.DisposeAsync();
            await database.DisposeAsync();
        }
    }
}
