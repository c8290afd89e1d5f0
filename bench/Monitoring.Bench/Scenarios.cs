using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Monitoring.Grains.Scheduling;
using Npgsql;

namespace Monitoring.Bench;

/// <summary>The scenarios of scripts/bench.sh; each answers one JSON object.</summary>
public static partial class Scenarios
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The engine at a steady rate: <paramref name="type"/> <c>http</c> checks GET the stub's /health, <c>tcp</c> checks
    /// connect to the stub's port (<c>tcp://127.0.0.1:PORT</c>); both fire at the same planned times (cron occurrence plus
    /// the service's spread offset), so the same window measures them.
    /// </summary>
    public static async Task<Dictionary<string, object>> EngineAsync(Context context, int services, string cron, int seconds, string type = "http")
    {
        var url = type switch
        {
            "http" => $"{context.Fleet.StubUrl}/health",
            "tcp" => $"tcp://127.0.0.1:{new Uri(context.Fleet.StubUrl).Port}",
            _ => throw new ArgumentException($"engine --type is http, tcp or heartbeat, not '{type}'"),
        };
        await using var feed = await FeedRecorder.ConnectAsync(context.Fleet.GatewayUrl, BenchFleet.Key);
        var created = await ServiceFactory.CreateAsync(context.Fleet.Http, services, i => new()
        {
            ["name"] = $"svc-{i}",
            ["type"] = type,
            ["endpoint_url"] = url,
            ["cron_schedule"] = cron,
        });
        await Task.Delay(WarmUp + UntilRespread(cron, services));
        var ids = created.Select(c => c.GetProperty("id").GetInt64()).ToList();
        var result = await EngineWindow.MeasureAsync(context.Fleet, context.Database, feed, ids, cron, TimeSpan.FromSeconds(seconds));

        // What the checks found over the whole run (warm-up included): all up, or the figures measure failures.
        var statuses = new Dictionary<string, long>();
        await using (var command = context.Database.CreateCommand(
            "SELECT status::text, count(*) FROM service_status WHERE service_id = ANY($1) AND trigger = 'schedule' GROUP BY 1 ORDER BY 1"))
        {
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. ids] });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                statuses[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        result["results_by_status_whole_run"] = statuses;
        return new Dictionary<string, object> { ["type"] = type, ["endpoint_url"] = url }.Concat(result).ToDictionary();
    }

    /// <summary>
    /// How long to wait after creating <paramref name="services"/> on <paramref name="cron"/> before measuring them as the
    /// window models them (spread for the whole fleet, <see cref="SpreadPolicy"/>): zero when the fleet's size does not
    /// change that cron's spread (a <c>* * * * * *</c> cron is spread over its second whatever the count); otherwise the
    /// silo's recount period (<see cref="ScheduleOptions.WakeUpPeriod"/>, the silo's default, which the bench leaves as it
    /// is), so that a sweep has counted them, plus one interval for every service to arm an occurrence with the new spread.
    /// </summary>
    private static TimeSpan UntilRespread(string cron, int services)
    {
        var options = new ScheduleOptions();
        var gap = CronGap.Of(cron);
        return SpreadPolicy.For(options, 0).WindowFor(gap) == SpreadPolicy.For(options, services).WindowFor(gap)
            ? TimeSpan.Zero
            : options.WakeUpPeriod + gap;
    }

    /// <summary>
    /// Raises the offered rate (services checked every second) step by step until lag p99 passes 1 s or less
    /// than 95 % of the offered checks are achieved, holding each rate for <paramref name="hold"/> seconds.
    /// </summary>
    public static async Task<Dictionary<string, object>> SaturateAsync(Context context, int start, int step, int max, int hold)
    {
        await using var feed = await FeedRecorder.ConnectAsync(context.Fleet.GatewayUrl, BenchFleet.Key);
        const string cron = "* * * * * *";
        var services = new List<long>();
        var steps = new List<Dictionary<string, object>>();
        var held = 0;
        for (var rate = start; rate <= max; rate += step)
        {
            var added = await ServiceFactory.CreateAsync(context.Fleet.Http, $"{context.Fleet.StubUrl}/health", cron, rate - services.Count);
            services.AddRange(added.Select(a => a.Id));
            await Task.Delay(WarmUp);
            var result = await EngineWindow.MeasureAsync(context.Fleet, context.Database, feed, services, cron, TimeSpan.FromSeconds(hold));
            steps.Add(result);
            var lag = ((Dictionary<string, double>)result["scheduling_lag_ms"])["p99"];
            var ok = lag <= 1000 && (double)result["achieved_checks_per_second"] >= 0.95 * (double)result["offered_checks_per_second"];
            Console.Error.WriteLine($"[saturate] {rate}/s offered: achieved {result["achieved_checks_per_second"]}/s, lag p99 {lag} ms -> {(ok ? "held" : "not held")}");
            if (!ok)
            {
                break;
            }

            held = rate;
        }

        return new Dictionary<string, object> { ["highest_rate_held_checks_per_second"] = held, ["hold_seconds"] = hold, ["steps"] = steps };
    }

    public static async Task<Dictionary<string, object>> MemoryAsync(Context context, int services, string cron)
    {
        await Task.Delay(WarmUp);
        var before = ProcessStats.RssKb(context.Fleet.Silo.Id);
        var watch = Stopwatch.StartNew();
        await ServiceFactory.CreateAsync(context.Fleet.Http, $"{context.Fleet.StubUrl}/health", cron, services);
        var createSeconds = watch.Elapsed.TotalSeconds;

        // Steady state: every service active, each has run its first check; resident memory is sampled every
        // 15 s for 3 minutes (the garbage collector gives memory back at its own pace), the last sample counts.
        var samples = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(15));
            samples.Add(ProcessStats.RssKb(context.Fleet.Silo.Id));
        }

        var rss = samples[^1];
        var active = await context.Scalar<long>("SELECT count(*) FROM orleansreminderstable");
        return new Dictionary<string, object>
        {
            ["services"] = services,
            ["wake_up_reminders"] = active,
            ["create_seconds"] = Stats.Round(createSeconds),
            ["silo_resident_kb_before"] = before,
            ["silo_resident_kb"] = rss,
            ["silo_resident_kb_samples"] = samples,
            ["resident_kb_per_service"] = Stats.Round((double)rss / services),
            ["resident_kb_per_service_above_empty_silo"] = Stats.Round((double)(rss - before) / services),
        };
    }

    /// <summary>wrk with 64 keep-alive connections against grain-served GETs and the gateway's bare endpoint.</summary>
    /// <remarks>
    /// With <paramref name="rows"/>, the history is first filled to that many results of other services over 90 days;
    /// the service-status find is measured as the service's grain answers it and as SQL does (the same order written
    /// out with its id tiebreak, which changes no row but is not a shape the grain answers).
    /// </remarks>
    public static async Task<Dictionary<string, object>> ApiAsync(Context context, int seconds, long rows)
    {
        var http = context.Fleet.Http;
        var created = await ServiceFactory.CreateAsync(http, $"{context.Fleet.StubUrl}/health", "* * * * * *", 1);
        var id = created[0].Id;
        await Task.Delay(TimeSpan.FromSeconds(20));
        await http.PatchAsJsonAsync($"/client-services/{id}", new { enabled = false });
        if (rows > 0)
        {
            await FillAsync(context, rows);
        }

        var results = new Dictionary<string, object>();
        foreach (var path in new[]
        {
            $"/client-services/{id}", $"/uptime-stats?service_id={id}&period=24h", $"/service-status?service_id={id}",
            $"/service-status?service_id={id}&$sort[checked_at]=1&$sort[id]=1",
        })
        {
            var body = await http.GetByteArrayAsync(path);
            await http.PutAsync("/__bench/bare", new ByteArrayContent(body));
            var bare = await WrkAsync(context.Fleet.GatewayUrl + "/__bench/bare", seconds);
            var endpoint = await WrkAsync(context.Fleet.GatewayUrl + path, seconds);
            results[path.Split('?')[0] + (path.Contains('?') ? "?" + string.Join('&', path.Split('?')[1].Split('&').Select(p => p.Split('=')[0] + "=…")) : string.Empty)] = new Dictionary<string, object>
            {
                ["body_bytes"] = body.Length,
                ["requests_per_second"] = endpoint.Rps,
                ["p99_ms"] = endpoint.P99Ms,
                ["bare_requests_per_second"] = bare.Rps,
                ["bare_p99_ms"] = bare.P99Ms,
                ["ratio_to_bare"] = Stats.Round(endpoint.Rps / bare.Rps),
            };
        }

        return new Dictionary<string, object>
        {
            ["connections"] = 64, ["seconds_per_run"] = seconds, ["history_rows"] = await context.Scalar<long>("SELECT count(*) FROM service_status"),
            ["endpoints"] = results,
        };
    }

    /// <summary>GET /uptime-stats latency for one service with a small and with a large history table.</summary>
    public static async Task<Dictionary<string, object>> UptimeAsync(Context context, long rows)
    {
        var http = context.Fleet.Http;
        var client = (await (await http.PostAsJsonAsync("/clients", new { name = $"uptime-{Guid.NewGuid():N}" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var service = await context.Scalar<long>($"INSERT INTO client_services (client_id, name, endpoint_url, enabled) VALUES ({client}, 'measured', 'http://127.0.0.1:9/', false) RETURNING id");
        // The measured service: a check every 15 minutes for 90 days (8,640 rows).
        await context.Execute($"""
            INSERT INTO service_status (service_id, client_id, status, status_code, response_time_ms, trigger, checked_at)
            SELECT {service}, {client}, (ARRAY['up','up','up','degraded','down'])[1 + i % 5], 200, 50 + i % 400, 'schedule',
                   date_trunc('milliseconds', now() - make_interval(mins => i * 15))
            FROM generate_series(1, 8640) i;
            """);
        await FillAsync(context, 10_000);
        var small = await MeasureHistoryReadsAsync(context, http, service, client);
        await FillAsync(context, rows);
        var large = await MeasureHistoryReadsAsync(context, http, service, client);
        return new Dictionary<string, object> { ["measured_service_rows"] = 8640, ["small"] = small, ["large"] = large };
    }

    private static async Task<Dictionary<string, object>> MeasureHistoryReadsAsync(Context context, HttpClient http, long service, long client)
    {
        var tableRows = await context.Scalar<long>("SELECT count(*) FROM service_status");
        await MeasureUptimeAsync(http, service); // warm-up: JIT, connections, plans
        return new Dictionary<string, object>
        {
            ["table_rows"] = tableRows,
            ["latency_ms"] = await MeasureUptimeAsync(http, service),
            ["finds_latency_ms"] = await MeasureFindsAsync(http, service, client),
        };
    }

    private static async Task FillAsync(Context context, long total)
    {
        // The partitions a fleet that ran for 90 days has (they are made ahead as time passes, not at once).
        await context.Execute("""
            SELECT history_partitions_ensure('service_status', 'week', now() - interval '91 days', now());
            SELECT history_partitions_ensure('service_status_hourly', 'month', now() - interval '91 days', now());
            """);
        var existing = await context.Scalar<long>("SELECT count(*) FROM service_status");
        for (var remaining = total - existing; remaining > 0; remaining -= 1_000_000)
        {
            var batch = Math.Min(remaining, 1_000_000);
            await context.Execute($"""
                INSERT INTO service_status (service_id, client_id, status, status_code, response_time_ms, trigger, checked_at)
                SELECT 1000000000 + i % 1000, 0, 'up', 200, 100, 'schedule', date_trunc('milliseconds', now() - make_interval(secs => (i % 7776000)::double precision))
                FROM generate_series(1, {batch}) i;
                """);
        }

        await context.Execute("ANALYZE service_status");
    }

    private static async Task<Dictionary<string, object>> MeasureUptimeAsync(HttpClient http, long service)
    {
        string[] queries = ["period=24h", "period=7d", "period=30d&bucket=1d", "period=90d&bucket=1d", "period=24h&bucket=1h", "period=90d"];
        foreach (var query in queries)
        {
            (await http.GetAsync($"/uptime-stats?service_id={service}&{query}")).EnsureSuccessStatusCode();
        }

        var samples = new List<double>();
        for (var i = 0; i < 300; i++)
        {
            foreach (var query in queries)
            {
                var watch = Stopwatch.StartNew();
                (await http.GetAsync($"/uptime-stats?service_id={service}&{query}")).EnsureSuccessStatusCode();
                samples.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return Stats.Summary(samples).ToDictionary(p => p.Key, p => (object)p.Value);
    }

    /// <summary>The finds a dashboard makes over the history, each timed 200 times.</summary>
    private static async Task<Dictionary<string, object>> MeasureFindsAsync(HttpClient http, long service, long client)
    {
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"));
        var finds = new Dictionary<string, string>
        {
            ["latest of a service"] = $"/service-status?service_id={service}&$sort[checked_at]=-1&$limit=50",
            ["a service's last day"] = $"/service-status?service_id={service}&checked_at[$gte]={since}&$limit=100",
            ["a client's down results"] = $"/service-status?client_id={client}&status=down&$sort[checked_at]=-1&$limit=50",
        };
        var results = new Dictionary<string, object>();
        foreach (var (name, path) in finds)
        {
            (await http.GetAsync(path)).EnsureSuccessStatusCode();
            var samples = new List<double>();
            for (var i = 0; i < 200; i++)
            {
                var watch = Stopwatch.StartNew();
                (await http.GetAsync(path)).EnsureSuccessStatusCode();
                samples.Add(watch.Elapsed.TotalMilliseconds);
            }

            results[name] = Stats.Summary(samples);
        }

        return results;
    }

    /// <summary>
    /// wrk with 64 keep-alive connections for <paramref name="seconds"/>, sending <paramref name="key"/> as a bearer key
    /// (null: no key, as a visitor of a public page); throws when any answer was not 2xx.
    /// </summary>
    internal static async Task<WrkRun> WrkAsync(string url, int seconds, string? key = BenchFleet.Key)
    {
        List<string> arguments = ["-t2", "-c64", $"-d{seconds}s", "--latency"];
        if (key is not null)
        {
            arguments.AddRange(["-H", $"Authorization: Bearer {key}"]);
        }

        var info = new ProcessStartInfo("wrk", [.. arguments, url])
        {
            RedirectStandardOutput = true,
        };
        using var wrk = Process.Start(info)!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var p99 = P99().Match(output);
        var value = double.Parse(p99.Groups[1].Value, CultureInfo.InvariantCulture);
        var ms = p99.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
        if (output.Contains("Non-2xx", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"wrk saw errors against {url}:\n{output}");
        }

        var requests = long.Parse(RequestsDone().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var socketErrors = SocketErrors().Match(output) is { Success: true } errors ? errors.Groups[1].Value.Trim() : null;
        return new WrkRun(Stats.Round(rps), Stats.Round(ms), requests, socketErrors);
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"99%\s+([\d.]+)(us|ms|s)")]
    private static partial Regex P99();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsDone();

    [GeneratedRegex(@"Socket errors:([^\n]*)")]
    private static partial Regex SocketErrors();
}

/// <summary>One wrk run: requests per second, p99 latency, requests answered, and wrk's socket errors line (null: none).</summary>
internal sealed record WrkRun(double Rps, double P99Ms, long Requests, string? SocketErrors);

/// <summary>What a scenario works with: the fleet and the database.</summary>
public sealed class Context(BenchFleet fleet, NpgsqlDataSource database)
{
    public BenchFleet Fleet { get; } = fleet;

    public NpgsqlDataSource Database { get; } = database;

    public async Task<T> Scalar<T>(string sql)
    {
        await using var command = Database.CreateCommand(sql);
        command.CommandTimeout = 0;
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task Execute(string sql)
    {
        await using var command = Database.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }
}
