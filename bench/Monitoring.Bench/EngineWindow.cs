using Monitoring.Grains.Scheduling;
using Npgsql;

namespace Monitoring.Bench;

/// <summary>
/// Measures the engine over a window of real time: what was offered (every scheduled check of every
/// service), what was achieved (rows committed), how late each check started against its planned time
/// (the cron occurrence plus the service's spread offset), how long until its row was stored and its event
/// arrived, and per service which occurrences were missed or run twice.
/// </summary>
public static class EngineWindow
{
    public static Task<Dictionary<string, object>> MeasureAsync(
        BenchFleet fleet, NpgsqlDataSource database, FeedRecorder feed, IReadOnlyList<long> services, string cron, TimeSpan duration) =>
        MeasureAsync(fleet, database, feed, services, _ => cron, _ => SpreadPolicy.For(new ScheduleOptions(), services.Count), duration, cron);

    /// <summary>
    /// The same for services on different crons (<paramref name="cronOf"/> gives each one's), each cron spread as the silo
    /// spreads it (<paramref name="spreadOf"/>, from the fleet's count on it); without a <paramref name="feed"/>, no event latency.
    /// With <paramref name="createdAtOf"/>, an occurrence at or before a service's creation is not expected of it (a service
    /// runs the occurrences after it was created, even when an earlier one's spread puts its planned time later).
    /// </summary>
    public static async Task<Dictionary<string, object>> MeasureAsync(
        BenchFleet fleet, NpgsqlDataSource database, FeedRecorder? feed, IReadOnlyList<long> services, Func<long, string> cronOf, Func<string, SpreadLimits> spreadOf,
        TimeSpan duration, string cronLabel, Func<long, DateTimeOffset>? createdAtOf = null)
    {
        var countersBefore = await SiloCounters.ReadAsync(fleet);
        var cpuSampler = fleet.SampleCpu();
        var t0 = DateTimeOffset.UtcNow;
        await Task.Delay(duration);
        var t1 = DateTimeOffset.UtcNow;
        var cpuUsed = await cpuSampler.StopAsync();
        var countersAfter = await SiloCounters.ReadAsync(fleet);
        var rssKb = ProcessStats.RssKb(fleet.Silo.Id);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var rows = await RowsAsync(database, t0.AddSeconds(-3), t1.AddSeconds(3));
        var lags = new List<double>();
        var fromOccurrence = new List<double>();
        var commits = new List<double>();
        var events = new List<double>();
        long offered = 0, missed = 0, duplicated = 0, achieved = 0;
        var crons = new Dictionary<string, CronSchedule>();
        var schedules = services.ToDictionary(id => id, id =>
        {
            var cron = cronOf(id);
            return new ServiceSchedule(crons.TryGetValue(cron, out var parsed) ? parsed : crons[cron] = CronSchedule.Parse(cron, "UTC"), id, spreadOf(cron));
        });
        var byService = rows.ToLookup(r => r.ServiceId);
        foreach (var (serviceId, schedule) in schedules)
        {
            var createdAt = createdAtOf?.Invoke(serviceId) ?? DateTimeOffset.MinValue;
            var fires = new List<DateTimeOffset>();
            var occurrences = new List<DateTimeOffset>();
            for (var next = schedule.NextFiringAfter(t0.AddSeconds(-5)); next is { } check && check.FireAt < t1.AddSeconds(5); next = schedule.NextAfter(check.Occurrence))
            {
                fires.Add(check.FireAt);
                occurrences.Add(check.Occurrence);
            }

            var counts = new int[fires.Count];
            foreach (var row in byService[serviceId])
            {
                var index = fires.BinarySearch(row.CheckedAt);
                index = index >= 0 ? index : ~index - 1;
                if (index < 0)
                {
                    continue;
                }

                counts[index]++;
                if (fires[index] >= t0 && fires[index] < t1)
                {
                    lags.Add((row.CheckedAt - fires[index]).TotalMilliseconds);
                    fromOccurrence.Add((row.CheckedAt - occurrences[index]).TotalMilliseconds);
                    commits.Add((row.StoredAt - fires[index]).TotalMilliseconds);
                    if (feed is not null && feed.Received.TryGetValue(row.Id, out var received))
                    {
                        events.Add((received - fires[index]).TotalMilliseconds);
                    }
                }

                if (row.CheckedAt >= t0 && row.CheckedAt < t1)
                {
                    achieved++;
                }
            }

            for (var i = 0; i < fires.Count; i++)
            {
                if (fires[i] >= t0 && fires[i] < t1 && occurrences[i] > createdAt)
                {
                    offered++;
                    missed += counts[i] == 0 ? 1 : 0;
                    duplicated += Math.Max(0, counts[i] - 1);
                }
            }
        }

        var seconds = (t1 - t0).TotalSeconds;
        var cpu = cpuUsed.ToDictionary(p => p.Key, p => Math.Round(p.Value / Math.Max(1, achieved), 3));
        return new Dictionary<string, object>
        {
            ["services"] = services.Count,
            ["cron"] = cronLabel,
            ["window_seconds"] = Stats.Round(seconds),
            ["offered_checks_per_second"] = Stats.Round(offered / seconds),
            ["achieved_checks_per_second"] = Stats.Round(achieved / seconds),
            ["scheduling_lag_ms"] = Stats.Summary(lags),
            // From the bare cron occurrence: the spread offset (the service's planned share of the window) plus the lag.
            ["lag_from_occurrence_ms"] = Stats.Summary(fromOccurrence),
            ["commit_latency_ms"] = Stats.Summary(commits),
            ["event_latency_ms"] = Stats.Summary(events),
            ["events_received"] = events.Count,
            ["missed_occurrences"] = missed,
            ["duplicated_occurrences"] = duplicated,
            ["cpu_ms_per_check"] = cpu,
            ["cpu_ms_per_check_silo_plus_postgres"] = Math.Round(cpu["silo"] + cpu["postgres"], 3),
            ["cpu_cores_used"] = cpuUsed.ToDictionary(p => p.Key, p => Math.Round(p.Value / 1000 / seconds, 2)),
            ["silo_resident_kb"] = rssKb,
            ["silo_resident_kb_per_service"] = Stats.Round((double)rssKb / services.Count),
            ["silo_gc"] = SiloCounters.Gc(countersBefore, countersAfter, achieved, seconds),
            ["result_writer"] = SiloCounters.Writer(countersBefore, countersAfter, seconds),
        };
    }

    /// <summary>The scheduled results checked in [from, to), of <paramref name="services"/> only when given.</summary>
    internal static async Task<List<(long Id, long ServiceId, DateTimeOffset CheckedAt, DateTimeOffset StoredAt)>> RowsAsync(
        NpgsqlDataSource database, DateTimeOffset from, DateTimeOffset to, long[]? services = null)
    {
        await using var command = database.CreateCommand(
            "SELECT id, service_id, checked_at, stored_at FROM service_status WHERE trigger = 'schedule' AND checked_at >= $1 AND checked_at < $2"
            + (services is null ? string.Empty : " AND service_id = ANY($3)"));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        if (services is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = services });
        }

        var rows = new List<(long, long, DateTimeOffset, DateTimeOffset)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return rows;
    }
}
