using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Monitoring.Grains.Scheduling;
using Npgsql;

namespace Monitoring.Bench;

/// <summary>
/// The alerts scenario: <c>services</c> services of one client, all checking one switchable target on one cron and
/// alerting one webhook channel (the stub's receiver), with other services checked every second beside them.
/// Phase "dependent": every service depends on one parent service (checked every second, threshold 1); the
/// target goes down: the parent opens and notifies, every other incident opens suppressed. Phase "independent":
/// the dependency is removed, the target recovers, then goes down again: every service opens an incident and
/// notifies. Reported: from the confirming checks to the last delivery accepted by the receiver, deliveries per
/// second, and the scheduling lag of the other services before and during each storm.
/// </summary>
public static class AlertStorm
{
    private const string EverySecond = "* * * * * *";

    public static async Task<Dictionary<string, object>> RunAsync(Context context, int services, string cron, int background, int drain)
    {
        var http = context.Fleet.Http;
        var stub = context.Fleet.StubUrl;
        var group = $"g{Guid.NewGuid():N}"[..9];
        var target = $"{stub}/switch/{group}";

        var client = await PostAsync(http, "/clients", new { name = $"storm-{group}" });
        var channel = await PostAsync(http, "/alert-channels", new { client_id = client, name = "storm receiver", type = "webhook", url = $"{stub}/receive" });
        var drained = drain > 0 ? await DrainAsync(context, client, channel, drain) : null;
        if (services == 0)
        {
            return new Dictionary<string, object> { ["drain"] = drained! };
        }

        var others = (await ServiceFactory.CreateAsync(http, $"{stub}/health", EverySecond, background)).Select(s => s.Id).ToList();
        var parent = await PostAsync(http, "/client-services", new
        {
            client_id = client, name = "shared dependency", endpoint_url = target, cron_schedule = EverySecond, failure_threshold = 1, success_threshold = 1,
            alert_channel_ids = new[] { channel },
        });
        var watch = Stopwatch.StartNew();
        var children = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, services), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            children.Add(await PostAsync(http, "/client-services", new
            {
                client_id = client, name = $"dependent-{i}", endpoint_url = target, cron_schedule = cron, failure_threshold = 2, success_threshold = 1,
                alert_channel_ids = new[] { channel }, depends_on_service_id = parent,
            })));
        var createSeconds = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"[alerts] {services} services on '{cron}' and {background} others every second created in {createSeconds:0} s");
        await Task.Delay(TimeSpan.FromSeconds(20));

        var interval = CronGap(cron);
        var dependent = await StormAsync(context, group, others, isIndependent: false, services + 1, interval);
        Console.Error.WriteLine($"[alerts] dependent: {JsonSerializer.Serialize(dependent)}");

        // Recover (every suppressed incident resolves quietly), drop the dependency, go down again.
        await SwitchAsync(http, stub, group, down: false);
        await WaitAsync(context, $"SELECT count(*) = 0 FROM incidents WHERE client_id = {client} AND status = 'open'", interval * 3 + TimeSpan.FromSeconds(60), "every incident resolved");
        await Parallel.ForEachAsync(children, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, ct) =>
            (await http.PatchAsJsonAsync($"/client-services/{id}", new { depends_on_service_id = (long?)null }, ct)).EnsureSuccessStatusCode());
        await Task.Delay(TimeSpan.FromSeconds(10));
        var independent = await StormAsync(context, group, others, isIndependent: true, services + 1, interval);
        await SwitchAsync(http, stub, group, down: false);

        return new Dictionary<string, object>
        {
            ["services"] = services,
            ["cron"] = cron,
            ["other_services_every_second"] = background,
            ["create_seconds"] = Math.Round(createSeconds, 1),
            ["dependent"] = dependent,
            ["independent"] = independent,
            ["drain"] = drained ?? (object)"not run",
        };
    }

    /// <summary>
    /// The dispatcher alone: <paramref name="count"/> deliveries queued at once (test notices written straight into the
    /// outbox, due now) and nothing else to do; from the insert to the last one accepted by the receiver.
    /// </summary>
    private static async Task<Dictionary<string, object>> DrainAsync(Context context, long client, long channel, int count)
    {
        var http = context.Fleet.Http;
        var stub = context.Fleet.StubUrl;
        (await http.PostAsync($"{stub}/received/reset", null)).EnsureSuccessStatusCode();
        var watch = Stopwatch.StartNew();
        await context.Execute($"INSERT INTO alert_deliveries (channel_id, client_id, event, next_attempt_at) SELECT {channel}, {client}, 'test', now() FROM generate_series(1, {count})");
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5);
        JsonElement received;
        do
        {
            await Task.Delay(50);
            received = await http.GetFromJsonAsync<JsonElement>($"{stub}/received");
        }
        while (received.GetProperty("count").GetInt64() < count && DateTimeOffset.UtcNow < deadline);

        var seconds = watch.Elapsed.TotalSeconds;
        var accepted = received.GetProperty("count").GetInt64();
        Console.Error.WriteLine($"[alerts] drain: {accepted} of {count} in {seconds:0.0} s");
        return new Dictionary<string, object>
        {
            ["queued"] = count,
            ["accepted"] = accepted,
            ["distinct_webhook_ids"] = received.GetProperty("distinct").GetInt64(),
            ["seconds"] = Math.Round(seconds, 2),
            ["deliveries_per_second"] = Math.Round(accepted / seconds, 1),
        };
    }

    private static async Task<Dictionary<string, object>> StormAsync(Context context, string group, List<long> others, bool isIndependent, int incidents, TimeSpan interval)
    {
        var http = context.Fleet.Http;
        var stub = context.Fleet.StubUrl;
        (await http.PostAsync($"{stub}/received/reset", null)).EnsureSuccessStatusCode();
        var before = DateTimeOffset.UtcNow;
        var lagBefore = await LagAsync(context.Database, others, before.AddSeconds(-15), before);
        await SwitchAsync(http, stub, group, down: true);
        var flipped = DateTimeOffset.UtcNow;

        var since = flipped.AddSeconds(-2).ToString("O");
        var opened = $"SELECT count(*) FROM incidents WHERE started_at >= '{since}'";
        await WaitAsync(context, $"SELECT count(*) >= {incidents} FROM incidents WHERE started_at >= '{since}'", interval * 3 + TimeSpan.FromSeconds(60), "every incident opened");
        var expected = isIndependent ? incidents : 1;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5);
        JsonElement received;
        while (true)
        {
            received = await http.GetFromJsonAsync<JsonElement>($"{stub}/received");
            if (received.GetProperty("count").GetInt64() >= expected || DateTimeOffset.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(250);
        }

        var done = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(3));
        received = await http.GetFromJsonAsync<JsonElement>($"{stub}/received");
        var lagDuring = await LagAsync(context.Database, others, flipped, done);
        var confirmedFirst = await context.Scalar<DateTime>($"SELECT min(confirmed_at) FROM incidents WHERE started_at >= '{since}'");
        var confirmedLast = await context.Scalar<DateTime>($"SELECT max(confirmed_at) FROM incidents WHERE started_at >= '{since}'");
        var suppressed = await context.Scalar<long>($"SELECT count(*) FROM incidents WHERE started_at >= '{since}' AND suppressed");
        var queued = await context.Scalar<long>($"SELECT count(*) FROM alert_deliveries d JOIN incidents i ON i.id = d.incident_id WHERE i.started_at >= '{since}' AND d.event = 'triggered'");
        var latency = await context.Scalar<string>($"""
            SELECT coalesce(string_agg(ms::text, ',' ORDER BY ms), '') FROM (
                SELECT extract(epoch FROM (d.sent_at - i.confirmed_at)) * 1000 AS ms
                FROM alert_deliveries d JOIN incidents i ON i.id = d.incident_id
                WHERE i.started_at >= '{since}' AND d.event = 'triggered' AND d.state = 'sent') s
            """);
        var latencies = latency.Length == 0 ? [] : latency.Split(',').Select(double.Parse).ToList();
        var firstArrival = received.GetProperty("first").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : received.GetProperty("first").GetDateTimeOffset();
        var lastArrival = received.GetProperty("last").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : received.GetProperty("last").GetDateTimeOffset();
        var count = received.GetProperty("count").GetInt64();
        var spreadSeconds = firstArrival is { } first && lastArrival is { } last ? (last - first).TotalSeconds : 0;
        return new Dictionary<string, object>
        {
            ["incidents_opened"] = await context.Scalar<long>(opened),
            ["incidents_suppressed"] = suppressed,
            ["triggered_deliveries_queued"] = queued,
            ["deliveries_accepted_by_receiver"] = count,
            ["distinct_webhook_ids"] = received.GetProperty("distinct").GetInt64(),
            ["confirming_checks_span_s"] = Math.Round((confirmedLast - confirmedFirst).TotalSeconds, 2),
            ["last_confirming_check_to_last_delivery_s"] = lastArrival is { } end ? Math.Round((end - new DateTimeOffset(confirmedLast, TimeSpan.Zero)).TotalSeconds, 2) : double.NaN,
            ["first_confirming_check_to_last_delivery_s"] = lastArrival is { } end2 ? Math.Round((end2 - new DateTimeOffset(confirmedFirst, TimeSpan.Zero)).TotalSeconds, 2) : double.NaN,
            ["confirming_check_to_sent_ms"] = Stats.Summary(latencies),
            ["deliveries_per_second"] = spreadSeconds > 0 ? Math.Round(count / spreadSeconds, 1) : count,
            ["other_services_lag_ms_before"] = lagBefore,
            ["other_services_lag_ms_during"] = lagDuring,
        };
    }

    /// <summary>Scheduling lag (check start − planned firing, per the product's own schedule) of the every-second services.</summary>
    private static async Task<Dictionary<string, double>> LagAsync(NpgsqlDataSource database, List<long> services, DateTimeOffset from, DateTimeOffset to)
    {
        var cron = CronSchedule.Parse(EverySecond, "UTC");
        var lags = new List<double>();
        await using var command = database.CreateCommand(
            "SELECT service_id, checked_at FROM service_status WHERE service_id = ANY($1) AND checked_at >= $2 AND checked_at < $3 AND trigger = 'schedule'");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. services] });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            var checkedAt = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
            var planned = new ServiceSchedule(cron, id, new Monitoring.Grains.Scheduling.ScheduleOptions().Spread).NextFiringAfter(checkedAt.AddSeconds(-1.5));
            var fire = planned;
            while (fire is { } f && new ServiceSchedule(cron, id, new Monitoring.Grains.Scheduling.ScheduleOptions().Spread).NextAfter(f.Occurrence) is { } next && next.FireAt <= checkedAt)
            {
                fire = next;
            }

            if (fire is { } firing)
            {
                lags.Add((checkedAt - firing.FireAt).TotalMilliseconds);
            }
        }

        return Stats.Summary(lags);
    }

    private static TimeSpan CronGap(string cron)
    {
        var schedule = CronSchedule.Parse(cron, "UTC");
        var first = schedule.NextAfter(DateTimeOffset.UtcNow)!.Value;
        return schedule.NextAfter(first)!.Value - first;
    }

    private static async Task SwitchAsync(HttpClient http, string stub, string group, bool down) =>
        (await http.PostAsync($"{stub}/switch/{group}?isDown={(down ? "true" : "false")}", null)).EnsureSuccessStatusCode();

    private static async Task WaitAsync(Context context, string condition, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await context.Scalar<bool>(condition))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout} waiting for {what}");
            }

            await Task.Delay(500);
        }
    }

    private static async Task<long> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? json.GetProperty("id").GetInt64() : throw new InvalidOperationException($"POST {path} failed: {json}");
    }
}
