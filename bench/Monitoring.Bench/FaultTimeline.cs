using System.Diagnostics;
using Monitoring.Grains.Scheduling;
using Npgsql;

namespace Monitoring.Bench;

/// <summary>
/// <c>faults</c>: services checked every second on a fleet of two silos with Orleans' default membership
/// settings, through a timeline of faults: steady, a silo killed (SIGKILL), PostgreSQL stopped (immediate
/// shutdown) and started again, a third silo started and the second stopped with SIGTERM, then a fourth
/// started and the third hung (SIGSTOP) for a minute. Per phase: occurrences expected, checked, missed and duplicated, the
/// longest gap of any service between two checks, the seconds from the fault until 95 % of the services are
/// checked in one second again, and the REST calls that failed meanwhile.
/// </summary>
public static class FaultTimeline
{
    private const string Cron = "* * * * * *";

    public static async Task<Dictionary<string, object>> RunAsync(Context context, string pgData, int count, int steadySeconds, int killSeconds, int outageSeconds, int afterSeconds, int stopSeconds, int hangSeconds)
    {
        var postgres = new PostgresControl(pgData);
        var fleet = context.Fleet;
        var second = fleet.StartSilo(11112, 30001);
        await WaitForActiveSilosAsync(context, 2);
        var services = (await ServiceFactory.CreateAsync(fleet.Http, $"{fleet.StubUrl}/health", Cron, count)).Select(s => s.Id).ToList();
        await Task.Delay(TimeSpan.FromSeconds(10));

        using var rest = new RestProbe(fleet.Http);
        var phases = new List<(string Name, DateTimeOffset Start, DateTimeOffset Fault, DateTimeOffset End, long RestErrors)>();
        async Task PhaseAsync(string name, int seconds, Func<Task> fault)
        {
            var start = DateTimeOffset.UtcNow;
            var errors = rest.Errors;
            await fault();
            var faultAt = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(seconds) - (faultAt - start));
            phases.Add((name, start, faultAt, DateTimeOffset.UtcNow, rest.Errors - errors));
            Console.Error.WriteLine($"[faults] {name}: done");
        }

        await PhaseAsync("steady", steadySeconds, () => Task.CompletedTask);
        await PhaseAsync("kill -9 of one silo", killSeconds, () =>
        {
            fleet.Silo.Kill();
            return Task.CompletedTask;
        });
        await PhaseAsync($"PostgreSQL stopped for {outageSeconds} s", outageSeconds, postgres.StopAsync);
        await PhaseAsync("after PostgreSQL is back", afterSeconds, async () =>
        {
            await postgres.StartAsync();

            // The benchmark's own pooled connections died with the server.
            context.Database.Clear();
        });
        Process? third = null;
        await PhaseAsync("a third silo started, the second stopped with SIGTERM", stopSeconds, async () =>
        {
            third = fleet.StartSilo(11113, 30002);
            await WaitForActiveSilosAsync(context, 2);
            Terminate(second.Id);
        });
        await PhaseAsync($"a fourth silo started, the third hung (SIGSTOP) for {hangSeconds} s, then SIGCONT", hangSeconds + 30, async () =>
        {
            fleet.StartSilo(11114, 30003);
            await WaitForActiveSilosAsync(context, 2);
            Signal(third!.Id, "STOP");
            _ = Task.Delay(TimeSpan.FromSeconds(hangSeconds)).ContinueWith(_ => Signal(third.Id, "CONT"), TaskScheduler.Default);
        });

        // Results of the last seconds reach PostgreSQL (and the journals are replayed) before counting.
        await Task.Delay(TimeSpan.FromSeconds(15));
        var rows = await RowsAsync(context.Database, phases[0].Start.AddSeconds(-5), phases[^1].End.AddSeconds(5));
        return new Dictionary<string, object>
        {
            ["services"] = count,
            ["cron"] = Cron,
            ["membership"] = "Orleans defaults",
            ["phases"] = phases.Select(p => Measure(p.Name, p.Start, p.Fault, p.End, p.RestErrors, services, rows)).ToList(),
        };
    }

    private static Dictionary<string, object> Measure(
        string name, DateTimeOffset start, DateTimeOffset fault, DateTimeOffset end, long restErrors, IReadOnlyList<long> services, ILookup<long, DateTimeOffset> rows)
    {
        long expected = 0, checkedCount = 0, missed = 0, duplicated = 0;
        var longestGap = TimeSpan.Zero;
        var gaps = new List<double>();
        foreach (var id in services)
        {
            var schedule = new ServiceSchedule(CronSchedule.Parse(Cron, "UTC"), id, TimeSpan.FromSeconds(1));
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

        // Seconds from the fault until 95 % of the services were checked within one second.
        double? recovered = null;
        for (var second = fault; second < end; second = second.AddSeconds(1))
        {
            var window = second;
            var seen = services.Count(id => rows[id].Any(t => t >= window && t < window.AddSeconds(1)));
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
            ["duplicated"] = duplicated,
            ["longest_gap_seconds"] = Math.Round(longestGap.TotalSeconds, 1),
            ["longest_gap_per_service_seconds"] = Stats.Summary(gaps),
            ["services_with_a_gap_over_20_seconds"] = gaps.Count(g => g > 20),
            ["seconds_to_95_percent_of_rate"] = recovered is { } r ? r : "not within the phase",
            ["rest_errors"] = restErrors,
        };
    }

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

    private static async Task<ILookup<long, DateTimeOffset>> RowsAsync(NpgsqlDataSource database, DateTimeOffset from, DateTimeOffset to)
    {
        await using var command = database.CreateCommand("SELECT service_id, checked_at FROM service_status WHERE trigger = 'schedule' AND checked_at >= $1 AND checked_at < $2");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        var rows = new List<(long, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return rows.ToLookup(r => r.Item1, r => r.Item2);
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
