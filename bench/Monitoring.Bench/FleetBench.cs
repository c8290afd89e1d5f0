using System.Diagnostics;
using System.Globalization;
using Monitoring.Grains.Scheduling;
using Npgsql;

namespace Monitoring.Bench;

/// <summary>
/// A large fleet on one silo: <c>fleet --services N --mix default --duration S</c>. The services are HTTP checks of the
/// stub on a mix of crons (default: 70 % <c>*/5 * * * *</c>, 20 % <c>* * * * *</c>, 10 % <c>*/30 * * * * *</c>). The first
/// <see cref="ThroughApi"/> are created through the API; the rest are written to <c>client_services</c> in bulk as the
/// API writes them (its defaults), since creating a million through the API one by one takes about 21 minutes here
/// (790 creates/s, <c>memory --services 100000</c>). The silo is then stopped and started, so its start-up sweep
/// schedules every service, as after any restart: how long until all are active again. Then the steady window: every
/// occurrence checked once within its spread (missed, duplicated), scheduling lag from the planned time and from the
/// bare occurrence, commit latency, CPU per check, resident memory per service, checks skipped by the silo's pacing.
/// Last, the silo is killed (SIGKILL) and started again: how long until every service is active once more.
/// </summary>
public static class FleetBench
{
    /// <summary>The product's switch of the Orleans dashboard (README: Dashboard__Enabled).</summary>
    public const string DashboardSwitch = "Dashboard__Enabled";

    /// <summary>Services created through the API (the rest in bulk).</summary>
    public const int ThroughApi = 1000;

    private const int PerClient = 1000;
    private const int BulkChunk = 50_000;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ScheduleDeadline = TimeSpan.FromMinutes(40);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMinutes(1);

    /// <summary>The mixes: each cron with its share in tenths.</summary>
    public static readonly IReadOnlyDictionary<string, (string Cron, int Tenths)[]> Mixes = new Dictionary<string, (string, int)[]>
    {
        ["default"] = [("*/5 * * * *", 7), ("* * * * *", 2), ("*/30 * * * * *", 1)],
    };

    /// <summary>
    /// The settings the silo runs the fleet with: the product's defaults (the spread of a shared cron grows with the fleet
    /// on it, <see cref="SpreadPolicy"/>), or with <paramref name="maxSpread"/> every cron spread over half its interval up
    /// to that, whatever the fleet (how the runs before the fleet-grown spread were made).
    /// </summary>
    public static Dictionary<string, string> SiloSettings(TimeSpan? maxSpread)
    {
        // As the README says a fleet over about 100,000 services per silo runs: without the Orleans dashboard.
        var settings = new Dictionary<string, string> { [FleetBench.DashboardSwitch] = "false" };
        if (maxSpread is { } fixedSpread)
        {
            settings["Scheduling__MaxSpread"] = fixedSpread.ToString("c", CultureInfo.InvariantCulture);
            settings["Scheduling__MaxFleetSpread"] = (fixedSpread > TimeSpan.FromMinutes(5) ? fixedSpread : TimeSpan.FromMinutes(5)).ToString("c", CultureInfo.InvariantCulture);
            settings["Scheduling__SpreadChecksPerSecond"] = "0";
            settings["Scheduling__SpreadFraction"] = "0.5";
        }

        return settings;
    }

    /// <summary>The options the silo runs with under <see cref="SiloSettings"/>.</summary>
    public static ScheduleOptions SiloOptions(TimeSpan? maxSpread) => maxSpread is { } fixedSpread
        ? new ScheduleOptions { MaxSpread = fixedSpread, SpreadChecksPerSecond = 0, SpreadFraction = 0.5 }
        : new ScheduleOptions();

    public static async Task<Dictionary<string, object>> RunAsync(Context context, int services, string mixName, int seconds, TimeSpan? maxSpread, bool killAfter = true)
    {
        var mix = Mixes.TryGetValue(mixName, out var found) ? found : throw new ArgumentException($"fleet --mix is one of {string.Join(", ", Mixes.Keys)}, not '{mixName}'");
        var cronOfIndex = Enumerable.Range(0, 10).Select(tenth => mix.SelectMany(m => Enumerable.Repeat(m.Cron, m.Tenths)).ElementAt(tenth)).ToArray();
        var fleet = context.Fleet;
        var url = $"{fleet.StubUrl}/health";
        var emptyRssKb = ProcessStats.RssKb(fleet.Silo.Id);

        var watch = Stopwatch.StartNew();
        var apiCount = Math.Min(services, ThroughApi);
        await ServiceFactory.CreateAsync(fleet.Http, apiCount, i => new() { ["name"] = $"fleet-{i}", ["endpoint_url"] = url, ["cron_schedule"] = cronOfIndex[i % 10] }, perClient: PerClient);
        var apiSeconds = watch.Elapsed.TotalSeconds;
        Log($"{apiCount} services created through the API in {apiSeconds:F1} s");

        watch.Restart();
        await BulkCreateAsync(context, fleet, services, apiCount, url, cronOfIndex);
        var bulkSeconds = watch.Elapsed.TotalSeconds;
        Log($"{services - apiCount} services written in bulk in {bulkSeconds:F1} s");

        // Every service scheduled by the silo's start-up sweep, as after a restart.
        await fleet.RestartSiloAsync(kill: false);
        var sweepCpu = fleet.SampleCpu();
        var sweepMachine = MachineCpu.Read();
        var (firstStart, startCounters) = await UntilAllActiveAsync(fleet, services);
        var sweep = SweepCost(await sweepCpu.StopAsync(), services, startCounters, MachineCpu.Between(sweepMachine, MachineCpu.Read()), firstStart);
        Log($"silo started: {services} services active after {firstStart:F1} s");

        await Task.Delay(WarmUp);
        var crons = new Dictionary<long, string>(services);
        var created = new Dictionary<long, DateTimeOffset>(services);
        await using (var command = context.Database.CreateCommand("SELECT id, cron_schedule, created_at FROM client_services"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                crons[reader.GetInt64(0)] = reader.GetString(1);
                created[reader.GetInt64(0)] = reader.GetFieldValue<DateTimeOffset>(2);
            }
        }

        var skippedBefore = await SkippedAsync(fleet);
        var options = SiloOptions(maxSpread);
        var perCron = crons.Values.GroupBy(c => c.Trim(' ')).ToDictionary(g => g.Key, g => g.Count());
        var spreads = perCron.ToDictionary(c => c.Key, c => SpreadPolicy.For(options, c.Value));
        var windowMachine = MachineCpu.Read();
        var window = await EngineWindow.MeasureAsync(fleet, context.Database, feed: null, [.. crons.Keys], id => crons[id], cron => spreads[cron.Trim(' ')], TimeSpan.FromSeconds(seconds), $"mix {mixName}", id => created[id]);
        var windowMachineShares = MachineCpu.Between(windowMachine, MachineCpu.Read());
        var skippedAfter = await SkippedAsync(fleet);
        var rssKb = (long)window["silo_resident_kb"];

        double? afterKill = null;
        object killSweep = "not run (--kill 0)";
        if (killAfter)
        {
            await fleet.RestartSiloAsync(kill: true);
            var killCpu = fleet.SampleCpu();
            var killMachine = MachineCpu.Read();
            (afterKill, var killCounters) = await UntilAllActiveAsync(fleet, services);
            killSweep = SweepCost(await killCpu.StopAsync(), services, killCounters, MachineCpu.Between(killMachine, MachineCpu.Read()), afterKill.Value);
            Log($"silo killed and started: {services} services active after {afterKill:F1} s");
        }

        return new Dictionary<string, object>
        {
            ["services"] = services,
            ["mix"] = mix.ToDictionary(m => m.Cron, m => m.Tenths * 10),
            ["spread_cap_per_cron"] = spreads.ToDictionary(s => s.Key, s => s.Value.Max.ToString("c", CultureInfo.InvariantCulture)),
            ["spread_fixed_by_max_spread"] = maxSpread is { } given ? given.ToString("c", CultureInfo.InvariantCulture) : "no (the product's default, grown with the fleet)",
            ["orleans_dashboard"] = "off (Dashboard__Enabled=false, as the README advises above 100,000 services per silo)",
            ["created_through_api"] = apiCount,
            ["api_create_seconds"] = Stats.Round(apiSeconds),
            ["bulk_create_seconds"] = Stats.Round(bulkSeconds),
            ["wake_up_reminders"] = await context.Scalar<long>("SELECT count(*) FROM orleansreminderstable"),
            ["seconds_until_all_active_after_start"] = Stats.Round(firstStart),
            ["start_up_sweep"] = sweep,
            ["machine_cpu_share_in_window"] = windowMachineShares,
            ["seconds_until_all_active_after_kill"] = afterKill is { } killed ? Stats.Round(killed) : "not run (--kill 0)",
            ["sweep_after_kill"] = killSweep,
            ["skipped_in_window"] = skippedBefore is { } before && skippedAfter is { } after ? (object)(after - before) : "not read (a scrape of the silo's /metrics failed)",
            ["silo_resident_kb_empty"] = emptyRssKb,
            ["silo_resident_kb_per_service_above_empty"] = Stats.Round((double)(rssKb - emptyRssKb) / services),
            ["window"] = window,
        };
    }

    private static async Task BulkCreateAsync(Context context, BenchFleet fleet, int services, int from, string url, string[] cronOfIndex)
    {
        if (services <= from)
        {
            return;
        }

        // One client per thousand services, through the API as a user makes them.
        var clients = await ServiceFactory.CreateClientsAsync(fleet.Http, (services - from + PerClient - 1) / PerClient);
        for (var start = from; start < services; start += BulkChunk)
        {
            var end = Math.Min(services, start + BulkChunk);
            await using var command = context.Database.CreateCommand("""
                INSERT INTO client_services (client_id, name, endpoint_url, cron_schedule)
                SELECT ($1::bigint[])[((i - $2) / $5) + 1], 'fleet-' || i, $3, ($4::text[])[(i % 10) + 1]
                FROM generate_series($6::int, $7::int - 1) AS i
                """);
            command.CommandTimeout = 0;
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. clients] });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = from });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = url });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = cronOfIndex });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PerClient });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = start });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = end });
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// The silo's counters a start-up is followed by: active services, checks made, activations by where their rows came
    /// from, incident trackers by where their history came from, uptime windows by what from and whose read.
    /// </summary>
    private static readonly string[] StartUpCounters =
    [
        "monitoring_services_active",
        "monitoring_checks_total",
        "monitoring_activations_total{rows=\"prefetched\"}",
        "monitoring_activations_total{rows=\"read\"}",
        "monitoring_incident_rebuilds_total{history=\"preloaded\"}",
        "monitoring_incident_rebuilds_total{history=\"read\"}",
        "monitoring_uptime_restores_total{window=\"snapshot\"}",
        "monitoring_uptime_restores_total{window=\"rebuilt\"}",
        "monitoring_uptime_restores_total{window=\"new\"}",
        "monitoring_uptime_restores_total{read=\"prefetched\"}",
        "monitoring_uptime_restores_total{read=\"own\"}",
    ];

    /// <summary>
    /// Seconds from now until the silo reports <paramref name="services"/> services active (monitoring_services_active),
    /// scraped every services / 10,000 seconds, 2 to 15 (Prometheus' default interval): a scrape renders every
    /// per-service series of the silo (up to a million at this size), work the silo would otherwise not do every 2 s.
    /// Every minute a line gives the pace since the last one, the silo's counters (<see cref="StartUpCounters"/>) and the
    /// machine's busy and stolen shares; the last scrape's counters come back with the seconds.
    /// </summary>
    private static async Task<(double Seconds, Dictionary<string, double?> Counters)> UntilAllActiveAsync(BenchFleet fleet, int services)
    {
        var poll = TimeSpan.FromSeconds(Math.Clamp(services / 10_000, 2, 15));
        var watch = Stopwatch.StartNew();
        Dictionary<string, double?>? last = null;
        var reportedAt = TimeSpan.Zero;
        double reportedActive = 0;
        var machineAt = MachineCpu.Read();
        while (watch.Elapsed < ScheduleDeadline)
        {
            last = await fleet.SiloMetricsAsync(StartUpCounters) ?? last;
            var active = last?.GetValueOrDefault(StartUpCounters[0]);
            if (active >= services)
            {
                return (watch.Elapsed.TotalSeconds, last!);
            }

            if (watch.Elapsed - reportedAt >= ProgressEvery)
            {
                // A sweep that does not finish still leaves its course in the log.
                var machine = MachineCpu.Read();
                var shares = MachineCpu.Between(machineAt, machine);
                var pace = ((active ?? 0) - reportedActive) / (watch.Elapsed - reportedAt).TotalSeconds;
                Log($"{active?.ToString(CultureInfo.InvariantCulture) ?? "(no scrape answered)"} of {services} services active after {watch.Elapsed.TotalSeconds:F0} s "
                    + $"({pace:F0}/s since the last line; machine busy {shares["busy"]}, stolen {shares["stolen"]}); "
                    + string.Join(", ", StartUpCounters.Skip(1).Select(c => $"{c} {last?.GetValueOrDefault(c)?.ToString(CultureInfo.InvariantCulture) ?? "-"}")));
                reportedAt = watch.Elapsed;
                reportedActive = active ?? 0;
                machineAt = machine;
            }

            await Task.Delay(poll);
        }

        throw new InvalidOperationException($"after {ScheduleDeadline.TotalMinutes} minutes the silo had {last?.GetValueOrDefault(StartUpCounters[0])?.ToString(CultureInfo.InvariantCulture) ?? "no figure of"} of {services} services active");
    }

    /// <summary>
    /// What the start-up sweep cost: CPU per service scheduled (silo, PostgreSQL) and cores used, from the silo's start to
    /// the last service active. The checks the woken services made meanwhile are in it too, counted beside it.
    /// </summary>
    private static Dictionary<string, object> SweepCost(Dictionary<string, double> cpuMs, int services, Dictionary<string, double?> counters, Dictionary<string, object> machine, double seconds) => new()
    {
        ["cpu_ms_per_service"] = new Dictionary<string, object>
        {
            ["silo"] = Math.Round(cpuMs["silo"] / services, 3),
            ["postgres"] = Math.Round(cpuMs["postgres"] / services, 3),
        },
        ["cpu_cores_used"] = new Dictionary<string, object>
        {
            ["silo"] = Stats.Round(cpuMs["silo"] / 1000 / seconds),
            ["postgres"] = Stats.Round(cpuMs["postgres"] / 1000 / seconds),
        },
        ["checks_made_meanwhile"] = counters.GetValueOrDefault(StartUpCounters[1]) ?? 0,
        ["activations"] = new Dictionary<string, object>
        {
            ["rows_prefetched_by_the_sweep"] = counters.GetValueOrDefault(StartUpCounters[2]) ?? 0,
            ["rows_read_by_the_activation"] = counters.GetValueOrDefault(StartUpCounters[3]) ?? 0,
        },
        ["incident_trackers_rebuilt"] = new Dictionary<string, object>
        {
            ["history_preloaded"] = counters.GetValueOrDefault(StartUpCounters[4]) ?? 0,
            ["history_read_again"] = counters.GetValueOrDefault(StartUpCounters[5]) ?? 0,
        },
        ["uptime_windows_restored"] = new Dictionary<string, object>
        {
            ["from_a_snapshot"] = counters.GetValueOrDefault(StartUpCounters[6]) ?? 0,
            ["rebuilt_from_hourly_sums"] = counters.GetValueOrDefault(StartUpCounters[7]) ?? 0,
            ["new_never_checked"] = counters.GetValueOrDefault(StartUpCounters[8]) ?? 0,
            ["read_by_the_sweep"] = counters.GetValueOrDefault(StartUpCounters[9]) ?? 0,
            ["read_by_the_activation"] = counters.GetValueOrDefault(StartUpCounters[10]) ?? 0,
        },
        ["machine_cpu_share"] = machine,
    };

    /// <summary>Occurrences the silo skipped so far (none yet is 0); null when the scrape failed (a saturated silo at a million).</summary>
    private static async Task<double?> SkippedAsync(BenchFleet fleet)
    {
        const string name = "monitoring_checks_skipped_total";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await fleet.SiloMetricsAsync([name]) is { } sums)
            {
                return sums.GetValueOrDefault(name) ?? 0;
            }
        }

        return null;
    }

    private static void Log(string line) => Console.Error.WriteLine($"[fleet] {DateTimeOffset.UtcNow:HH:mm:ss} {line}");
}
