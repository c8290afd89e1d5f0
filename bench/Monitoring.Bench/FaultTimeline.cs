using System.Diagnostics;
using Monitoring.Grains.Scheduling;
using Npgsql;

namespace Monitoring.Bench;

/// <summary>
/// <c>faults</c>: services on one cron (every second by default) on a fleet of two silos with the silos'
/// default membership settings, through a timeline of faults: steady, a silo killed (SIGKILL), PostgreSQL
/// stopped (immediate shutdown) and started again, a silo started and the oldest stopped with SIGTERM, a silo
/// started and the oldest hung (SIGSTOP) for a minute, then a rolling restart of the two silos. A phase given
/// 0 seconds is left out. Per phase: occurrences expected, checked, missed and duplicated, the longest gap of
/// any service between two checks, the seconds from the fault until 95 % of the services are checked within
/// one interval again, and the REST calls that failed meanwhile.
/// </summary>
public static class FaultTimeline
{
    /// <summary>The phases' lengths in seconds (0 leaves a phase out).</summary>
    public sealed record Phases(int Steady, int Kill, int Outage, int After, int Stop, int Hang, int Roll);

    public static async Task<Dictionary<string, object>> RunAsync(Context context, string pgData, int count, string cron, Phases lengths)
    {
        var postgres = new PostgresControl(pgData);
        var fleet = context.Fleet;
        var nextPort = 1;
        var live = new List<(Process Process, int SiloPort, int GatewayPort)> { (fleet.Silo, 11111, 30000) };
        (Process, int, int) StartSilo(int? siloPort = null, int? gatewayPort = null)
        {
            var silo = siloPort ?? 11111 + nextPort;
            var gateway = gatewayPort ?? 30000 + nextPort;
            nextPort += siloPort is null ? 1 : 0;
            var started = (fleet.StartSilo(silo, gateway), silo, gateway);
            live.Add(started);
            return started;
        }

        StartSilo();
        await WaitForActiveSilosAsync(context, 2);
        var created = Stopwatch.StartNew();
        var services = (await ServiceFactory.CreateAsync(fleet.Http, $"{fleet.StubUrl}/health", cron, count)).Select(s => s.Id).ToList();
        var createSeconds = created.Elapsed.TotalSeconds;
        var interval = CronGap.Of(cron);
        // Every service has had its first check (or, for a long interval, a minute to settle).
        await Task.Delay(TimeSpan.FromSeconds(10) + (interval < TimeSpan.FromMinutes(1) ? interval : TimeSpan.FromMinutes(1)));

        using var rest = new RestProbe(fleet.Http);
        var phases = new List<(string Name, DateTimeOffset Start, DateTimeOffset Fault, DateTimeOffset End, long RestErrors)>();
        async Task PhaseAsync(string name, int seconds, Func<Task> fault)
        {
            if (seconds <= 0)
            {
                return;
            }

            var start = DateTimeOffset.UtcNow;
            Note($"{name}: starts");
            var errors = rest.Errors;
            await fault();
            var faultAt = DateTimeOffset.UtcNow;
            var left = TimeSpan.FromSeconds(seconds) - (faultAt - start);
            await Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            phases.Add((name, start, faultAt, DateTimeOffset.UtcNow, rest.Errors - errors));
            Console.Error.WriteLine($"[faults] {name}: done");
        }

        await PhaseAsync("steady", lengths.Steady, () => Task.CompletedTask);
        await PhaseAsync("kill -9 of one silo", lengths.Kill, () =>
        {
            live[0].Process.Kill();
            live.RemoveAt(0);
            return Task.CompletedTask;
        });
        await PhaseAsync($"PostgreSQL stopped for {lengths.Outage} s", lengths.Outage, postgres.StopAsync);
        await PhaseAsync("after PostgreSQL is back", lengths.After, async () =>
        {
            await postgres.StartAsync();

            // The benchmark's own pooled connections died with the server.
            context.Database.Clear();
        });
        await PhaseAsync("a silo started, the oldest stopped with SIGTERM", lengths.Stop, async () =>
        {
            StartSilo();
            await WaitForActiveSilosAsync(context, live.Count);
            Terminate(live[0].Process.Id);
            live.RemoveAt(0);
        });
        await PhaseAsync($"a silo started, the oldest (holding most services) hung (SIGSTOP) for {lengths.Hang} s, then SIGCONT", lengths.Hang > 0 ? lengths.Hang + 30 : 0, async () =>
        {
            StartSilo();
            await WaitForActiveSilosAsync(context, live.Count);
            var hung = live[0].Process;
            live.RemoveAt(0);
            Signal(hung.Id, "STOP");
            _ = Task.Delay(TimeSpan.FromSeconds(lengths.Hang)).ContinueWith(_ => Signal(hung.Id, "CONT"), TaskScheduler.Default);
        });

        // A rolling restart, as an orchestrator updates a deployment: each silo in turn gets SIGTERM, exits, and is
        // started again (same ports) before the next one goes.
        if (lengths.Roll > 0)
        {
            while (live.Count < 2)
            {
                StartSilo();
            }

            await WaitForActiveSilosAsync(context, live.Count);
            await Task.Delay(TimeSpan.FromSeconds(10));
        }

        await PhaseAsync("a rolling restart of both silos (SIGTERM, exit, start again, one after the other)", lengths.Roll, async () =>
        {
            foreach (var silo in live.ToList())
            {
                Note($"SIGTERM to the silo on port {silo.SiloPort}");
                Terminate(silo.Process.Id);
                await silo.Process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
                Note("it exited; starting it again");
                live.Remove(silo);
                StartSilo(silo.SiloPort, silo.GatewayPort);
                await WaitForActiveSilosAsync(context, live.Count);
                Note("it is active in the membership table");
            }
        });

        // Results of the last seconds reach PostgreSQL (and the journals are replayed) before counting.
        await Task.Delay(TimeSpan.FromSeconds(15));
        var stored = await RowsAsync(context.Database, phases[0].Start.AddSeconds(-5), phases[^1].End.AddSeconds(5));
        var rows = stored.ToLookup(r => r.ServiceId, r => r.CheckedAt);
        return new Dictionary<string, object>
        {
            ["services"] = count,
            ["cron"] = cron,
            ["create_seconds"] = Math.Round(createSeconds, 1),
            ["membership"] = "the silos' defaults (Orleans' defaults but EnableConnectionLivenessCheck off)",
            ["phases"] = phases.Select(p => Measure(p.Name, p.Start, p.Fault, p.End, p.RestErrors, services, rows, cron, interval, stored)).ToList(),
        };
    }

    private static Dictionary<string, object> Measure(
        string name, DateTimeOffset start, DateTimeOffset fault, DateTimeOffset end, long restErrors, IReadOnlyList<long> services, ILookup<long, DateTimeOffset> rows, string cron, TimeSpan interval,
        IReadOnlyList<StoredRow> stored)
    {
        long expected = 0, checkedCount = 0, missed = 0, duplicated = 0;
        var missedAt = new SortedDictionary<int, int>();
        var longestGap = TimeSpan.Zero;
        var gaps = new List<double>();
        foreach (var id in services)
        {
            var schedule = new ServiceSchedule(CronSchedule.Parse(cron, "UTC"), id, new Monitoring.Grains.Scheduling.ScheduleOptions().Spread);
            // Fires from just before the phase to just after it; a row counts for the latest fire at or before it.
            var fires = new List<DateTimeOffset>();
            for (var next = schedule.NextFiringAfter(start.AddSeconds(-2)); next is { } check && check.FireAt < end.AddSeconds(2); next = schedule.NextAfter(check.Occurrence))
            {
                fires.Add(check.FireAt);
            }

            var times = rows[id].Where(t => fires.Count > 0 && t >= fires[0] && t < fires[^1]).Order().ToList();
            var counts = new int[fires.Count];
            foreach (var time in times)
            {
                var index = fires.BinarySearch(time);
                index = index >= 0 ? index : ~index - 1;
                if (index >= 0)
                {
                    counts[index]++;
                }
            }

            for (var i = 0; i < fires.Count; i++)
            {
                if (fires[i] >= start && fires[i] < end)
                {
                    expected++;
                    checkedCount += counts[i] > 0 ? 1 : 0;
                    missed += counts[i] == 0 ? 1 : 0;
                    if (counts[i] == 0)
                    {
                        var second = (int)Math.Floor((fires[i] - start).TotalSeconds);
                        missedAt[second] = missedAt.GetValueOrDefault(second) + 1;
                    }

                    duplicated += Math.Max(0, counts[i] - 1);
                }
            }

            var inPhase = times.Where(t => t < end).Append(end).ToList();
            var serviceGap = TimeSpan.Zero;
            for (var i = 1; i < inPhase.Count; i++)
            {
                serviceGap = inPhase[i] - inPhase[i - 1] > serviceGap ? inPhase[i] - inPhase[i - 1] : serviceGap;
            }

            longestGap = serviceGap > longestGap ? serviceGap : longestGap;
            gaps.Add(serviceGap.TotalSeconds);
        }

        // Seconds from the fault until 95 % of the services were checked within one interval.
        double? recovered = null;
        for (var second = fault; second + interval <= end; second = second.AddSeconds(1))
        {
            var window = second;
            var seen = services.Count(id => rows[id].Any(t => t >= window && t < window + interval));
            if (seen >= 0.95 * services.Count)
            {
                recovered = Math.Round((second - fault).TotalSeconds, 1);
                break;
            }
        }

        return new Dictionary<string, object>
        {
            ["phase"] = name,
            ["seconds"] = Math.Round((end - start).TotalSeconds, 1),
            ["occurrences_expected"] = expected,
            ["occurrences_checked"] = checkedCount,
            ["missed"] = missed,
            // When the missed occurrences were due: seconds from the phase's start (the fault comes first) → count.
            ["missed_by_second"] = missedAt.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => (object)p.Value),
            ["duplicated"] = duplicated,
            ["longest_gap_seconds"] = Math.Round(longestGap.TotalSeconds, 1),
            ["longest_gap_per_service_seconds"] = Stats.Summary(gaps),
            ["services_with_a_gap_over_20_seconds"] = gaps.Count(g => g > 20),
            ["seconds_to_95_percent_of_rate"] = recovered is { } r ? r : "not within the phase",
            ["rest_errors"] = restErrors,
            // How long the phase's scheduled results took to reach PostgreSQL (stored_at - checked_at): a silo that keeps
            // its results in the journal, or waits to commit them, shows here, not in the counts above.
            ["stored_after_check_seconds"] = Stats.Summary(stored.Where(r => r.CheckedAt >= start && r.CheckedAt < end).Select(r => r.StoredAfterSeconds).ToList()),
        };
    }

    private static void Note(string what) => Console.Error.WriteLine($"[faults] {DateTimeOffset.UtcNow:HH:mm:ss.fff} {what}");

    private static async Task WaitForActiveSilosAsync(Context context, int silos)
    {
        var deadline = Stopwatch.StartNew();
        while (await context.Scalar<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3") != silos)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"{silos} active silos were not seen within 120 s");
            }

            await Task.Delay(500);
        }
    }

    /// <summary>A scheduled result: its service, when it was checked, and the seconds until it was stored.</summary>
    private sealed record StoredRow(long ServiceId, DateTimeOffset CheckedAt, double StoredAfterSeconds);

    /// <summary>Every scheduled result checked in [<paramref name="from"/>, <paramref name="to"/>), in one read.</summary>
    private static async Task<List<StoredRow>> RowsAsync(NpgsqlDataSource database, DateTimeOffset from, DateTimeOffset to)
    {
        await using var command = database.CreateCommand(
            "SELECT service_id, checked_at, extract(epoch FROM stored_at - checked_at)::float8 FROM service_status WHERE trigger = 'schedule' AND checked_at >= $1 AND checked_at < $2");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        var rows = new List<StoredRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredRow(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetDouble(2)));
        }

        return rows;
    }

    /// <summary>SIGTERM, as an orchestrator stops a container.</summary>
    private static void Terminate(int pid) => Signal(pid, "TERM");

    private static void Signal(int pid, string signal) =>
        Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>Calls the API four times a second in the background and counts the calls that fail.</summary>
    private sealed class RestProbe : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private long errors;

        public RestProbe(HttpClient http)
        {
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await http.GetAsync("/clients?$limit=1", stop.Token);
                        if (!response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                    catch (Exception) when (!stop.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref errors);
                    }

                    await Task.Delay(250, CancellationToken.None);
                }
            });
        }

        public long Errors => Interlocked.Read(ref errors);

        public void Dispose() => stop.Cancel();
    }
}
