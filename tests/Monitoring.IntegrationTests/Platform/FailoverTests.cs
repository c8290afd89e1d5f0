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
        await using var setup = await FleetUnderTest.StartAsync(spread: false, slowServices: 1);

        // The second silo warms up first (a silo that just started is slower to take grains).
        await Task.Delay(TimeSpan.FromSeconds(4));
        var stopping = DateTimeOffset.UtcNow;

        Assert.Equal(0, await setup.First.TerminateAsync(TimeSpan.FromSeconds(60)));
        var stopped = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(5));

        // The grains move right after a check, each in a fraction of a second, so no service misses two occurrences,
        // and most miss none. A move that takes over half an interval (a loaded machine: the full suite on a 2-core
        // box did that to 4 and to 8 of the 16) lets the next regular check stand for the one it missed (the
        // cursor's Resume rule), a gap of two intervals; a hand-over in one burst costs every service one
        // (docs/ARCHITECTURE.md, the hand-over).
        var gaps = await setup.LongestGapsAsync(setup.QuickServices, stopping.AddSeconds(-3), DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal(ServiceCount, gaps.Count);
        Assert.All(gaps, gap => Assert.True(gap.Value < TimeSpan.FromSeconds(2.5), $"service {gap.Key} went {gap.Value.TotalSeconds:0.00} s without a check; the stopped silo said:\n{setup.First.Output}"));
        var missedOne = gaps.Count(gap => gap.Value >= TimeSpan.FromSeconds(1.9));
        Assert.True(missedOne <= ServiceCount * 3 / 4, $"{missedOne} of {ServiceCount} services missed an occurrence; the stopped silo said:\n{setup.First.Output}");

        // A service whose target takes 2.5 s moves once its checks in flight are stored, and goes on.
        await Eventually.IsTrueAsync(async () => await setup.CheckedSinceAsync(setup.SlowServices, stopped) == 1,
            TimeSpan.FromSeconds(15), "the slow service to be checked after the stop");
        Assert.Equal(0L, await setup.DuplicatesAsync());
        Assert.Contains(setup.First.OutputLines, line => line.Contains($"{ServiceCount + 1} of {ServiceCount + 1} services left this silo"));
    }

    [Fact]
    public async Task A_silo_stopped_as_soon_as_a_new_one_shows_active_hands_over_to_silos_that_have_finished_starting()
    {
        await using var setup = await FleetUnderTest.StartAsync(spread: false);

        // A rolling restart as an orchestrator runs it: the next silo goes as soon as the new one is Active in the
        // membership table, which is before its host has finished starting.
        setup.StartAnotherSilo();
        await setup.WaitForActiveSilosAsync(3);
        var stopping = DateTimeOffset.UtcNow;
        Assert.Equal(0, await setup.First.TerminateAsync(TimeSpan.FromSeconds(60)));
        await Task.Delay(TimeSpan.FromSeconds(5));

        // What the wait guarantees: the services go to a started silo and keep their schedule. When the stopping silo
        // finally leaves, Orleans drops the migrated grains whose directory entries it held; their silo wakes them again
        // at once (DirectoryRewake), so no service misses more than one occurrence on a loaded machine.
        var gaps = await setup.LongestGapsAsync(setup.QuickServices, stopping.AddSeconds(-3), DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.All(gaps, gap => Assert.True(gap.Value < TimeSpan.FromSeconds(2.5), $"service {gap.Key} went {gap.Value.TotalSeconds:0.00} s without a check; the stopped silo said:\n{setup.First.Output}"));
        Assert.Equal(0L, await setup.DuplicatesAsync());
        Assert.Contains(setup.First.OutputLines, line => line.Contains("other silos have finished starting"));
        Assert.Contains(setup.First.OutputLines, line => line.Contains($"{ServiceCount} of {ServiceCount} services left this silo"));
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
        private readonly List<long> slow = [];

        private FleetUnderTest(TestDatabase database, TargetServer target)
        {
            this.database = database;
            this.target = target;
            fleet = new ProcessFleet(database);
        }

        public MonitoringProcess First { get; private set; } = null!;

        public IReadOnlyList<long> QuickServices => services;

        public IReadOnlyList<long> SlowServices => slow;

        public static async Task<FleetUnderTest> StartAsync(bool spread, int slowServices = 0)
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

            for (var i = 0; i < slowServices; i++)
            {
                setup.slow.Add((await http.CreateServiceAsync(client, setup.target.Reply(200, "{\"status\":\"ok\"}", delayMs: 2500), new { cron_schedule = "* * * * * *", timeout_ms = 10000 })).GetProperty("id").GetInt64());
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

        public void StartAnotherSilo() => fleet.StartSilo();

        public Task WaitForActiveSilosAsync(int count) =>
            Eventually.IsTrueAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3") == count,
                TimeSpan.FromSeconds(60), $"{count} silos to be active");

        /// <summary>How many of the quick services have a scheduled check stored after <paramref name="since"/>.</summary>
        public Task<long> CheckedSinceAsync(DateTimeOffset since) => CheckedSinceAsync(services, since);

        /// <summary>How many of <paramref name="ids"/> have a scheduled check stored after <paramref name="since"/>.</summary>
        public Task<long> CheckedSinceAsync(IReadOnlyList<long> ids, DateTimeOffset since) =>
            database.ScalarAsync<long>(
                "SELECT count(DISTINCT service_id) FROM service_status WHERE service_id = ANY($1) AND checked_at > $2 AND trigger = 'schedule'",
                ids.ToArray(), since);

        /// <summary>
        /// Scheduled checks of a quick service less than a quarter of a second after the one before: one occurrence
        /// run twice (a catch-up may come half an interval before the next regular check, never closer; a quarter
        /// leaves room for timer jitter).
        /// </summary>
        public Task<long> DuplicatesAsync() =>
            database.ScalarAsync<long>(
                """
                SELECT count(*) FROM (
                  SELECT checked_at - lag(checked_at) OVER (PARTITION BY service_id ORDER BY checked_at) AS gap
                  FROM service_status WHERE service_id = ANY($1) AND trigger = 'schedule') g
                WHERE gap < interval '250 milliseconds'
                """,
                services.ToArray());

        /// <summary>Per service, the longest time between two stored checks from <paramref name="from"/> to <paramref name="to"/> (and the window's edges).</summary>
        public async Task<Dictionary<long, TimeSpan>> LongestGapsAsync(IReadOnlyList<long> ids, DateTimeOffset from, DateTimeOffset to)
        {
            var gaps = new Dictionary<long, TimeSpan>();
            foreach (var id in ids)
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
