using System.Diagnostics.Metrics;
using Monitoring.Grains.Scheduling;
using Monitoring.IntegrationTests.Api;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Scheduling;

/// <summary>Real time, real PostgreSQL, a real target: a service checked every two seconds.</summary>
[Collection(ApiCollection.Name)]
public sealed class RealTimeScheduleTests(ApiFixture fixture)
{
    [Fact]
    public async Task Every_occurrence_in_a_window_is_checked_and_stored_exactly_once()
    {
        var client = await fixture.Http.CreateClientAsync();
        var service = await fixture.Http.CreateServiceAsync(client, fixture.Target.Reply(200, "{\"status\":\"ok\"}"), new { cron_schedule = "*/2 * * * * *" });
        var id = service.GetProperty("id").GetInt64();
        var created = service.GetProperty("created_at").GetDateTimeOffset();
        Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(5));

        await Task.Delay(TimeSpan.FromSeconds(11));
        var disabledAt = DateTimeOffset.UtcNow;
        await fixture.Http.PatchJsonAsync($"/client-services/{id}", new { enabled = false });

        // Every occurrence after the creation whose check was planned (the occurrence plus the service's spread offset,
        // up to the whole two-second gap for a fleet this small) a second before the disable, its row found from that
        // planned time to the next occurrence's.
        var schedule = new ServiceSchedule(CronSchedule.Parse("*/2 * * * * *", "UTC"), id, SpreadPolicy.For(new ScheduleOptions(), 1));
        var planned = new List<ScheduledCheck>();
        for (var check = schedule.NextAfter(created); check is { } c && c.FireAt <= disabledAt.AddSeconds(-1); check = schedule.NextAfter(c.Occurrence))
        {
            planned.Add(c);
        }

        var rows = (await fixture.Database.ScalarAsync<DateTime[]>(
                "SELECT coalesce(array_agg(checked_at ORDER BY checked_at), '{}') FROM service_status WHERE service_id = $1 AND trigger = 'schedule'", id))
            .Select(t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)))
            .ToList();

        Assert.InRange(planned.Count, 3, 6);
        foreach (var check in planned)
        {
            var matching = rows.Count(r => r >= check.FireAt && r < check.FireAt.AddSeconds(2));
            Assert.True(matching == 1, $"occurrence {check.Occurrence:O} (planned {check.FireAt:O}) has {matching} rows; rows: {string.Join(", ", rows.Select(r => r.ToString("O")))}");
        }

        Assert.All(rows, r => Assert.True(r > created && r < disabledAt.AddSeconds(3)));
    }

    [Fact]
    public async Task A_target_slower_than_the_interval_is_checked_one_check_at_a_time()
    {
        // Arrange: checked every second, answering after 2.5 s (the timeout allows it); skipped occurrences listened to.
        var client = await fixture.Http.CreateClientAsync();
        var target = fixture.Target.Reply(200, "{\"status\":\"ok\"}", delayMs: 2500);
        long skipped = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Monitoring.Grains.Checking.CheckMetrics.MeterName && instrument.Name == "monitoring.checks.skipped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref skipped, value));
        listener.Start();
        var service = await fixture.Http.CreateServiceAsync(client, target, new { cron_schedule = "* * * * * *", timeout_ms = 10000 });
        var id = service.GetProperty("id").GetInt64();

        // Act
        await Task.Delay(TimeSpan.FromSeconds(9));
        await fixture.Http.PatchJsonAsync($"/client-services/{id}", new { enabled = false });

        // Assert: each check started after the one before had its answer (checked_at is the start, response_time_ms
        // how long it took), and the occurrences that came meanwhile were skipped and counted.
        var rows = await fixture.Database.ScalarAsync<string[]>(
            "SELECT coalesce(array_agg(to_char(checked_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS') || '|' || response_time_ms ORDER BY checked_at), '{}') FROM service_status WHERE service_id = $1 AND trigger = 'schedule'", id);
        var checks = rows.Select(r => r.Split('|')).Select(p => (Start: DateTime.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), Took: TimeSpan.FromMilliseconds(int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))).ToList();
        Assert.InRange(checks.Count, 2, 4);
        Assert.All(checks.Zip(checks.Skip(1)), pair => Assert.True(pair.Second.Start >= pair.First.Start + pair.First.Took,
            $"two checks at once: one from {pair.First.Start:O} for {pair.First.Took.TotalMilliseconds} ms, the next at {pair.Second.Start:O}"));
        Assert.True(Interlocked.Read(ref skipped) >= 3, $"{skipped} skipped occurrences counted");
    }
}
