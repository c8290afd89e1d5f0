using System.Globalization;
using System.Text.Json;
using Monitoring.Grains.Heartbeats;
using Monitoring.Grains.Scheduling;
using Npgsql;

namespace Monitoring.Bench;

/// <summary>
/// <c>engine --type heartbeat</c>: heartbeat services on one cron with a grace, and the driver as their jobs (a
/// <see cref="Pinger"/> GETs each ping_url once per occurrence). First every job reports on time for the window:
/// pings answered, ping latency (request to 200, which means the result is committed), results stored against pings
/// answered, misses stored (none may be), CPU per report. Then a fraction of the jobs stops for some occurrences: every
/// deadline whose window holds no ping must be stored once as a miss, and none other; detection lag is stored_at − the deadline (a miss's checked_at).
/// </summary>
/// <remarks>
/// A deadline is an occurrence plus the grace; a report counts for it when it arrived after the occurrence before, up to
/// the deadline (monitors.md). Which deadlines had no report is worked out here from the driver's own record of its pings
/// (sent and answered times), not from the database; a ping whose answer time leaves it unclear is counted apart.
/// </remarks>
public static class HeartbeatBench
{
    /// <summary>How far the stored checked_at of a ping may lie before the driver's send time (the grain keeps milliseconds).</summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMilliseconds(2);

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);

    public static async Task<Dictionary<string, object>> RunAsync(
        Context context, int services, string cronText, int seconds, int graceSeconds, double stopFraction, int? stopOccurrences)
    {
        if (stopFraction is < 0 or > 1 || graceSeconds < 0 || stopOccurrences < 1)
        {
            throw new ArgumentException("--stop-fraction is from 0 to 1, --grace at least 0 s, --stop-occurrences at least 1");
        }

        var fleet = context.Fleet;
        var cron = CronSchedule.Parse(cronText, "UTC");
        var grace = TimeSpan.FromSeconds(graceSeconds);
        var gap = CronGap.Of(cron, DateTimeOffset.UtcNow);
        var spread = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, gap.Ticks / 2));
        // Enough skipped pings that at least 3 deadlines of a stopped job go unreported: a ping also covers the deadlines
        // of the occurrences up to a grace before it and of the next one (their windows start at the occurrence before).
        var skips = stopOccurrences ?? (int)Math.Ceiling(grace / gap) + 3;
        var warmUp = WarmUp > grace + (2 * gap) ? WarmUp : grace + (2 * gap);

        await using var pinger = new Pinger(cron, spread);
        pinger.Start();
        var created = await ServiceFactory.CreateAsync(fleet.Http, services, i => new()
        {
            ["name"] = $"job-{i}",
            ["type"] = "heartbeat",
            ["cron_schedule"] = cronText,
            ["grace_seconds"] = graceSeconds,
        }, onCreated: record => pinger.RegisterAsync(record.GetProperty("id").GetInt64(), record.GetProperty("ping_url").GetString()!));
        var ids = created.Select(c => c.GetProperty("id").GetInt64()).Order().ToArray();
        var createdAt = created.ToDictionary(c => c.GetProperty("id").GetInt64(), c => c.GetProperty("created_at").GetDateTimeOffset());
        Console.Error.WriteLine($"[heartbeat] {ids.Length} heartbeats on '{cronText}' with {graceSeconds} s grace; pings spread over {spread.TotalMilliseconds} ms; warm-up {warmUp.TotalSeconds} s");
        await Task.Delay(warmUp);

        // Phase 1: every job reports on time.
        var cpuSampler = fleet.SampleCpu();
        var t0 = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var t1 = DateTimeOffset.UtcNow;
        var cpuUsed = await cpuSampler.StopAsync();
        var siloRssKb = ProcessStats.RssKb(fleet.Silo.Id);
        var gatewayRssKb = ProcessStats.RssKb(fleet.Gateway.Id);

        // Phase 2: the stopped jobs (spread evenly over the ids) leave out the pings of `skips` occurrences, from the first
        // not yet being sent, then report again.
        var stopped = ids.Where((_, i) => Math.Floor((i + 1) * stopFraction) > Math.Floor(i * stopFraction)).ToHashSet();
        var skippedOccurrences = new List<DateTimeOffset>();
        for (var next = cron.NextAfter(DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100)); next is { } occurrence && skippedOccurrences.Count < skips; next = cron.NextAfter(occurrence))
        {
            skippedOccurrences.Add(occurrence);
        }

        var skippedSet = skippedOccurrences.ToHashSet();
        pinger.Withhold = (serviceId, occurrence) => skippedSet.Contains(occurrence) && stopped.Contains(serviceId);
        var end = skippedOccurrences[^1] + grace + (2 * gap);
        Console.Error.WriteLine($"[heartbeat] phase 1 over ({(t1 - t0).TotalSeconds:0.0} s); {stopped.Count} jobs stop for {skips} occurrences from {skippedOccurrences[0]:HH:mm:ss}, deadlines looked at up to {end:HH:mm:ss.fff}");
        await pinger.FinishAfterAsync(end);

        // The grain decides a deadline at the deadline plus its spread offset (at most 1 s); then the row is committed.
        var settle = end + TimeSpan.FromSeconds(1) + TimeSpan.FromSeconds(5) - DateTimeOffset.UtcNow;
        if (settle > TimeSpan.Zero)
        {
            await Task.Delay(settle);
        }

        var pings = pinger.Pings.ToArray();
        var reportsStored = await ReportsStoredAsync(context.Database, ids);
        var misses = await MissesAsync(context.Database, ids);
        var otherScheduled = await ScalarAsync(context.Database, "SELECT count(*) FROM service_status WHERE service_id = ANY($1) AND trigger <> 'ping' AND due_key IS NULL", ids);

        // Every deadline of every service from its creation to `end`, judged against the driver's pings.
        var pingsOf = pings.ToLookup(p => p.ServiceId);
        var missesOf = misses.ToLookup(m => m.ServiceId);
        var warmUpTally = new Tally();
        var steady = new Tally();
        var stopPhaseStopped = new Tally();
        var stopPhaseKept = new Tally();
        var detectionLags = new List<double>();
        var detectionLagsAfterSpread = new List<double>();
        var expectedPerStopped = new List<double>();
        var stray = 0L;
        var contradicting = 0L;
        // Up to 5 examples of each kind of deadline that is not plainly right (a ping in its window and no miss, or none and one miss).
        var examples = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        void Note(string kind, string example)
        {
            var list = examples.TryGetValue(kind, out var known) ? known : examples[kind] = [];
            if (list.Count < 5)
            {
                list.Add(example);
            }
        }

        foreach (var id in ids)
        {
            var own = pingsOf[id].ToArray();
            var reports = reportsStored.TryGetValue(id, out var known) ? known : [];
            var storedByDue = missesOf[id].GroupBy(m => m.DueAt).ToDictionary(g => g.Key, g => g.ToList());
            var judged = new HashSet<DateTimeOffset>();
            var expectedHere = 0;
            foreach (var due in Deadlines(cron, grace, createdAt[id], end))
            {
                judged.Add(due.Deadline);
                var phase = due.Deadline < t0 ? "warm-up" : due.Deadline < t1 ? "steady" : stopped.Contains(id) ? "stop phase, stopped job" : "stop phase, job kept pinging";
                var tally = due.Deadline < t0 ? warmUpTally : due.Deadline < t1 ? steady : stopped.Contains(id) ? stopPhaseStopped : stopPhaseKept;
                var stored = storedByDue.TryGetValue(due.Deadline, out var rows) ? rows : [];
                tally.Deadlines++;
                tally.Rows += stored.Count;
                tally.Duplicates += Math.Max(0, stored.Count - 1);
                if (stored.Count > 0 && reports.Any(r => r > due.Previous && r <= due.Deadline))
                {
                    // The product's own rule broken on its own data: a miss beside a stored report in the window.
                    contradicting++;
                    Note($"{phase}: miss stored beside a stored report in its window", Describe(id, createdAt[id], due, stored[0], own, reports));
                }

                switch (Judge(own, due.Previous, due.Deadline))
                {
                    case Verdict.Covered when stored.Count > 0:
                        tally.StoredDespitePing++;
                        Note($"{phase}: miss stored for a deadline with a ping in its window", Describe(id, createdAt[id], due, stored[0], own, reports));

                        break;
                    case Verdict.Unclear:
                        tally.Unclear++;
                        tally.UnclearStored += stored.Count > 0 ? 1 : 0;
                        Note($"{phase}: unclear (a ping at the edge of the window, or without an answer), miss {(stored.Count > 0 ? "stored" : "not stored")}",
                            Describe(id, createdAt[id], due, stored.FirstOrDefault(), own, reports));
                        break;
                    case Verdict.Missed:
                        tally.Expected++;
                        expectedHere += tally == stopPhaseStopped ? 1 : 0;
                        if (stored.Count == 0)
                        {
                            tally.NotStored++;
                            Note($"{phase}: no miss stored for a deadline without a ping", Describe(id, createdAt[id], due, null, own, reports));

                            break;
                        }

                        tally.StoredOnce += stored.Count == 1 ? 1 : 0;
                        if (stored.Count > 1)
                        {
                            Note($"{phase}: miss stored {stored.Count} times", Describe(id, createdAt[id], due, stored[1], own, reports));
                        }
                        var lag = (stored.Min(m => m.StoredAt) - due.Deadline).TotalMilliseconds;
                        if (due.Deadline >= t1)
                        {
                            detectionLags.Add(lag);
                            detectionLagsAfterSpread.Add(lag - SpreadOffset.For(id, SpreadLimits.Tight, due.Occurrence - due.Previous).TotalMilliseconds);
                        }

                        break;
                }
            }

            if (stopped.Contains(id))
            {
                expectedPerStopped.Add(expectedHere);
            }

            // Misses at a time that is no deadline of this service (within what was judged).
            stray += storedByDue.Where(s => s.Key <= end && !judged.Contains(s.Key)).Sum(s => s.Value.Count);
        }

        // Phase 1 figures from the driver's pings sent in the window.
        var window = pings.Where(p => p.Sent >= t0 && p.Sent < t1).ToArray();
        var answered = window.Where(p => p.Status == 200).ToArray();
        var windowSeconds = (t1 - t0).TotalSeconds;
        var allOk = pings.Count(p => p.Status == 200);
        var storedTotal = reportsStored.Values.Sum(r => (long)r.Count);
        var okByService = pings.Where(p => p.Status == 200).GroupBy(p => p.ServiceId).ToDictionary(g => g.Key, g => (long)g.Count());
        var servicesDiffering = ids.Count(id => okByService.GetValueOrDefault(id) != (reportsStored.TryGetValue(id, out var r) ? r.Count : 0));

        return new Dictionary<string, object>
        {
            ["type"] = "heartbeat",
            ["services"] = ids.Length,
            ["cron"] = cronText,
            ["grace_seconds"] = graceSeconds,
            ["ping_spread_ms"] = spread.TotalMilliseconds,
            ["ping_rate_limit_per_token"] = Environment.GetEnvironmentVariable("RateLimit__PingsPerSecond") ?? "10 (default)",
            ["warm_up_seconds"] = warmUp.TotalSeconds,
            ["steady"] = new Dictionary<string, object>
            {
                ["window_seconds"] = Stats.Round(windowSeconds),
                ["pings_sent"] = window.Length,
                ["pings_per_second"] = Stats.Round(window.Length / windowSeconds),
                ["pings_answered_200"] = answered.Length,
                ["pings_not_200_by_status"] = ByStatus(window.Where(p => p.Status != 200)),
                ["ping_latency_ms"] = Stats.Summary(answered.Select(p => p.LatencyMs)),
                ["driver_send_lag_ms"] = Stats.Summary(window.Where(p => p.Occurrence is not null).Select(p => (p.Sent - p.Planned).TotalMilliseconds)),
                ["deadlines"] = steady.Deadlines,
                ["deadlines_without_ping"] = steady.Expected,
                ["deadlines_unclear"] = steady.Unclear,
                ["misses_stored"] = steady.Rows,
                ["misses_stored_despite_ping"] = steady.StoredDespitePing,
                ["cpu_ms_per_report"] = cpuUsed.ToDictionary(p => p.Key, p => Math.Round(p.Value / Math.Max(1, answered.Length), 3)),
                ["cpu_cores_used"] = cpuUsed.ToDictionary(p => p.Key, p => Math.Round(p.Value / 1000 / windowSeconds, 2)),
                ["silo_resident_kb"] = siloRssKb,
                ["silo_resident_kb_per_service"] = Stats.Round((double)siloRssKb / ids.Length),
                ["gateway_resident_kb"] = gatewayRssKb,
            },
            ["whole_run"] = new Dictionary<string, object>
            {
                ["pings_sent"] = pings.Length,
                ["pings_answered_200"] = allOk,
                ["pings_not_200_by_status"] = ByStatus(pings.Where(p => p.Status != 200)),
                ["ping_latency_ms"] = Stats.Summary(pings.Where(p => p.Status == 200).Select(p => p.LatencyMs)),
                ["results_stored_trigger_ping"] = storedTotal,
                ["results_minus_pings_answered_200"] = storedTotal - allOk,
                ["services_where_results_differ_from_pings"] = servicesDiffering,
                ["scheduled_results_without_due_key"] = otherScheduled,
                ["warm_up_deadlines"] = warmUpTally.Deadlines,
                ["warm_up_deadlines_without_ping"] = warmUpTally.Expected,
                ["warm_up_deadlines_unclear"] = warmUpTally.Unclear,
                ["warm_up_misses_stored"] = warmUpTally.Rows,
                ["warm_up_misses_stored_despite_ping"] = warmUpTally.StoredDespitePing,
                ["misses_stored_at_no_deadline"] = stray,
                ["misses_stored_beside_a_stored_report_in_their_window"] = contradicting,
            },
            ["stop"] = new Dictionary<string, object>
            {
                ["stop_fraction"] = stopFraction,
                ["stopped_services"] = stopped.Count,
                ["skipped_occurrences"] = skips,
                ["skipped_from"] = skippedOccurrences[0].ToString("O", CultureInfo.InvariantCulture),
                ["pings_skipped"] = pinger.Skipped,
                ["deadlines_judged_until"] = end.ToString("O", CultureInfo.InvariantCulture),
                ["stopped_deadlines"] = stopPhaseStopped.Deadlines,
                ["stopped_deadlines_without_ping"] = stopPhaseStopped.Expected,
                ["deadlines_without_ping_per_stopped_service"] = Stats.Summary(expectedPerStopped),
                ["misses_stored"] = stopPhaseStopped.Rows,
                ["misses_stored_once"] = stopPhaseStopped.StoredOnce,
                ["misses_not_stored"] = stopPhaseStopped.NotStored,
                ["misses_duplicated_rows"] = stopPhaseStopped.Duplicates + stopPhaseKept.Duplicates,
                ["misses_stored_despite_ping_stopped_services"] = stopPhaseStopped.StoredDespitePing,
                ["misses_stored_for_services_that_kept_pinging"] = stopPhaseKept.Rows,
                ["deadlines_unclear"] = stopPhaseStopped.Unclear + stopPhaseKept.Unclear,
                ["detection_lag_ms"] = Stats.Summary(detectionLags),
                ["detection_lag_beyond_spread_ms"] = Stats.Summary(detectionLagsAfterSpread),
            },
            ["examples"] = examples,
        };
    }

    private enum Verdict
    {
        Covered,
        Missed,
        Unclear,
    }

    /// <summary>
    /// Covered when a ping answered 200 surely arrived in (previous, deadline]; missed when no ping (of any answer) can
    /// have; unclear otherwise (a ping at the edge of the window, or one without a 200 that may have been stored).
    /// </summary>
    private static Verdict Judge(Pinger.Ping[] pings, DateTimeOffset previous, DateTimeOffset deadline)
    {
        var unclear = false;
        foreach (var ping in pings)
        {
            var surelyIn = ping.Sent - ClockSlack > previous && ping.Answered <= deadline;
            if (surelyIn && ping.Status == 200)
            {
                return Verdict.Covered;
            }

            // A 4xx (429, 404) was refused before anything was stored; a 5xx or no answer may have been stored.
            var mayBeIn = ping.Answered > previous && ping.Sent - ClockSlack <= deadline && ping.Status is not (>= 400 and < 500);
            unclear |= mayBeIn;
        }

        return unclear ? Verdict.Unclear : Verdict.Missed;
    }

    /// <summary>The deadlines of a heartbeat created at <paramref name="createdAt"/>: of the occurrences after it, up to <paramref name="end"/>.</summary>
    private static IEnumerable<(DateTimeOffset Previous, DateTimeOffset Occurrence, DateTimeOffset Deadline)> Deadlines(
        CronSchedule cron, TimeSpan grace, DateTimeOffset createdAt, DateTimeOffset end)
    {
        // A heartbeat counts the occurrences after its creation (an occurrence before it was never due).
        if (cron.NextAfter(createdAt) is not { } first)
        {
            yield break;
        }

        var previous = new HeartbeatSchedule(cron, grace).PreviousBefore(first);
        for (DateTimeOffset? occurrence = first; occurrence is { } o && o + grace <= end; occurrence = cron.NextAfter(o))
        {
            yield return (previous, o, o + grace);
            previous = o;
        }
    }

    private static Dictionary<string, long> ByStatus(IEnumerable<Pinger.Ping> pings) =>
        pings.GroupBy(p => p.Status == 0 ? $"error:{p.Error}" : p.Status.ToString(CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => (long)g.Count());

    private static string Describe(
        long id, DateTimeOffset created, (DateTimeOffset Previous, DateTimeOffset Occurrence, DateTimeOffset Deadline) due, Miss? stored, Pinger.Ping[] pings, List<DateTimeOffset> reports)
    {
        bool Near(DateTimeOffset from, DateTimeOffset to) => to > due.Previous - TimeSpan.FromSeconds(2) && from < due.Deadline + TimeSpan.FromSeconds(2);
        var sent = pings.Where(p => Near(p.Sent, p.Answered)).Select(p => $"{(p.Status == 0 ? p.Error : p.Status)} sent {p.Sent:HH:mm:ss.fff} answered {p.Answered:HH:mm:ss.fff}");
        var taken = reports.Where(r => Near(r, r)).Select(r => r.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture));
        return $"service {id} created {created:HH:mm:ss.fff}, window ({due.Previous:HH:mm:ss.fff}, {due.Deadline:HH:mm:ss.fff}]"
            + (stored is { } m ? $", miss stored at {m.StoredAt:HH:mm:ss.fff} '{m.Error}'" : string.Empty)
            + $"; pings near it: [{string.Join("; ", sent)}]; reports stored (checked_at) near it: [{string.Join("; ", taken)}]";
    }

    private sealed record Miss(long ServiceId, DateTimeOffset DueAt, DateTimeOffset StoredAt, string? Error);

    /// <summary>Counts of one group of deadlines.</summary>
    private sealed class Tally
    {
        public long Deadlines { get; set; }

        /// <summary>Miss rows stored for these deadlines.</summary>
        public long Rows { get; set; }

        /// <summary>Deadlines with no ping in their window (a miss is due); of those, stored exactly once, and not stored.</summary>
        public long Expected { get; set; }

        public long StoredOnce { get; set; }

        public long NotStored { get; set; }

        /// <summary>Rows beyond the first for one deadline.</summary>
        public long Duplicates { get; set; }

        /// <summary>Deadlines with a ping surely in their window that got a miss anyway.</summary>
        public long StoredDespitePing { get; set; }

        /// <summary>Deadlines with a ping at the edge of their window (or one that failed and may have been stored): not judged.</summary>
        public long Unclear { get; set; }

        public long UnclearStored { get; set; }
    }

    /// <summary>When each stored report (trigger ping) of the services was taken, per service, oldest first.</summary>
    private static async Task<Dictionary<long, List<DateTimeOffset>>> ReportsStoredAsync(NpgsqlDataSource database, long[] ids)
    {
        await using var command = database.CreateCommand("SELECT service_id, checked_at FROM service_status WHERE service_id = ANY($1) AND trigger = 'ping' ORDER BY 1, 2");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        var reports = new Dictionary<long, List<DateTimeOffset>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            (reports.TryGetValue(id, out var list) ? list : reports[id] = []).Add(reader.GetFieldValue<DateTimeOffset>(1));
        }

        return reports;
    }

    private static async Task<List<Miss>> MissesAsync(NpgsqlDataSource database, long[] ids)
    {
        await using var command = database.CreateCommand(
            "SELECT service_id, checked_at, stored_at, error FROM service_status WHERE service_id = ANY($1) AND trigger = 'schedule' AND due_key LIKE 'miss:%'");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        var misses = new List<Miss>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            misses.Add(new Miss(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return misses;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql, long[] ids)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
