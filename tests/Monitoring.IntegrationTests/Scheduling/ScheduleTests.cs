using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Scheduling;

/// <summary>Cron scheduling in the service grain, driven by fake time on an Orleans test cluster.</summary>
public sealed class ScheduleTests(ScheduleFixture fixture) : IClassFixture<ScheduleFixture>
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_six_field_cron_runs_every_occurrence_exactly_once()
    {
        var service = await fixture.CreateServiceAsync("* * * * * *");

        await fixture.AdvanceToNextCheckAsync(service, 1);
        for (var i = 2; i <= 8; i++)
        {
            await fixture.AdvanceAsync(service, Second, i);
        }

        await fixture.AssertStaysAsync(service, 8);
        Assert.Equal(8L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(DISTINCT date_trunc('second', checked_at)) FROM service_status WHERE service_id = $1", service.GetPrimaryKeyLong()));
    }

    [Fact]
    public async Task A_five_field_cron_runs_on_its_minutes()
    {
        var service = await fixture.CreateServiceAsync("*/5 * * * *");
        var next = (await service.GetAsync(null)).Value!.NextCheckAt!.Value;
        Assert.Equal(0, next.Minute % 5);
        Assert.Equal(0, next.Second);

        await fixture.AdvanceToNextCheckAsync(service, 1);
        await fixture.AdvanceAsync(service, TimeSpan.FromMinutes(4), 1);
        await fixture.AdvanceAsync(service, TimeSpan.FromMinutes(1), 2);
        await fixture.AssertStaysAsync(service, 2);
    }

    [Fact]
    public async Task A_time_zone_moves_the_occurrences_to_local_time()
    {
        var newYork = await fixture.CreateServiceAsync("0 9 * * *", "America/New_York");
        var utc = await fixture.CreateServiceAsync("0 9 * * *");

        var local = TimeZoneInfo.ConvertTime((await newYork.GetAsync(null)).Value!.NextCheckAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        var inUtc = (await utc.GetAsync(null)).Value!.NextCheckAt!.Value;

        Assert.Equal((9, 0, 0), (local.Hour, local.Minute, local.Second));
        Assert.Equal((9, 0, 0), (inUtc.UtcDateTime.Hour, inUtc.UtcDateTime.Minute, inUtc.UtcDateTime.Second));
    }

    [Fact]
    public async Task Services_on_the_same_cron_are_spread_by_a_stable_offset_within_the_bound()
    {
        var services = new List<IServiceMonitorGrain>();
        for (var i = 0; i < 20; i++)
        {
            services.Add(await fixture.CreateServiceAsync("*/5 * * * *"));
        }

        var next = new List<DateTimeOffset>();
        foreach (var service in services)
        {
            next.Add((await service.GetAsync(null)).Value!.NextCheckAt!.Value);
        }

        var occurrence = next.Min(n => new DateTimeOffset(n.Year, n.Month, n.Day, n.Hour, n.Minute, 0, TimeSpan.Zero));
        Assert.All(next, n => Assert.InRange(n - occurrence, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.True(next.Distinct().Count() >= 15, string.Join(", ", next));
        Assert.Equal(next[3], (await services[3].GetAsync(null)).Value!.NextCheckAt);
    }

    [Fact]
    public async Task Disabling_stops_the_checks_and_enabling_resumes_them_at_once()
    {
        var service = await fixture.CreateServiceAsync("* * * * * *");
        await fixture.AdvanceToNextCheckAsync(service, 1);

        var disabled = await service.PatchAsync(new ServiceFields { Enabled = false }, null);
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        await fixture.AssertStaysAsync(service, 1);
        Assert.Null(disabled.Value!.NextCheckAt);

        var enabled = await service.PatchAsync(new ServiceFields { Enabled = true }, null);
        Assert.InRange(enabled.Value!.NextCheckAt!.Value - fixture.Time.GetUtcNow(), TimeSpan.Zero, TimeSpan.FromSeconds(1.1));
        await fixture.AdvanceToNextCheckAsync(service, 2);
        await fixture.AdvanceAsync(service, Second, 3);
    }

    [Fact]
    public async Task A_new_schedule_takes_effect_at_once()
    {
        var service = await fixture.CreateServiceAsync("0 0 1 1 *");
        Assert.True((await service.GetAsync(null)).Value!.NextCheckAt > fixture.Time.GetUtcNow().AddDays(1));

        var patched = await service.PatchAsync(new ServiceFields { CronSchedule = "*/2 * * * * *" }, null);

        Assert.InRange(patched.Value!.NextCheckAt!.Value - fixture.Time.GetUtcNow(), TimeSpan.Zero, TimeSpan.FromSeconds(2.2));
        await fixture.AdvanceToNextCheckAsync(service, 1);
        await fixture.AdvanceAsync(service, TimeSpan.FromSeconds(2), 2);
        await fixture.AssertStaysAsync(service, 2);
    }

    [Fact]
    public async Task A_removed_service_never_fires_again()
    {
        var service = await fixture.CreateServiceAsync("* * * * * *");
        await fixture.AdvanceToNextCheckAsync(service, 1);

        var removed = await service.RemoveAsync(null);
        fixture.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.NotNull(removed.Value);
        await fixture.AssertStaysAsync(service, 0);
        Assert.Equal(FailureKind.NotFound, (await service.GetAsync(null)).Failure!.Kind);
    }

    [Fact]
    public async Task Occurrences_missed_while_the_grain_was_down_lead_to_one_catch_up_check()
    {
        var service = await fixture.CreateServiceAsync("* * * * * *");
        await fixture.AdvanceToNextCheckAsync(service, 1);
        await fixture.AdvanceAsync(service, Second, 2);

        // Act: the grain goes away, thirty occurrences pass, then something activates it again.
        await fixture.Cluster.DeactivateAsync(service);
        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        await fixture.AssertStaysAsync(service, 2);
        await service.GetAsync(null);

        // Assert: one catch-up check, then the schedule goes on.
        await Eventually.IsTrueAsync(async () => await fixture.ScheduledChecksAsync(service) == 3, TimeSpan.FromSeconds(20), "the catch-up check");
        await fixture.AssertStaysAsync(service, 3);
        await fixture.AdvanceToNextCheckAsync(service, 4);
    }

    [Fact]
    public async Task A_duplicated_tick_of_an_earlier_versions_wake_up_reminder_runs_nothing_twice()
    {
        var service = await fixture.CreateServiceAsync("* * * * *");
        await fixture.AdvanceToNextCheckAsync(service, 1);
        var remindable = service.AsReference<IRemindable>();
        var now = fixture.Time.GetUtcNow().UtcDateTime;

        await remindable.ReceiveReminder("wake-up", new TickStatus(now, TimeSpan.FromMinutes(2), now));
        await remindable.ReceiveReminder("wake-up", new TickStatus(now, TimeSpan.FromMinutes(2), now));

        await fixture.AssertStaysAsync(service, 1);
        await fixture.AdvanceAsync(service, TimeSpan.FromMinutes(1), 2);
        await fixture.AssertStaysAsync(service, 2);

        // Services have no reminder of their own any more: the fleet's sweeps schedule them.
        Assert.Equal(0L, await Reminders(service));
    }

    private Task<long> Reminders(IServiceMonitorGrain service) => fixture.Database.ScalarAsync<long>(
        "SELECT count(*) FROM orleansreminderstable WHERE grainid = 'servicemonitor/' || $1", service.GetPrimaryKeyLong().ToString("X"));

    [Theory]
    [InlineData("0 0 1 6 *", 3 * 365, 10)]
    [InlineData("0 0 29 2 *", 5 * 365, 30)]
    public async Task A_cron_whose_next_run_is_months_or_years_away_fires_each_occurrence_once_over_years(string cron, int days, int stepDays)
    {
        var service = await fixture.CreateServiceAsync(cron);
        var schedule = Monitoring.Grains.Scheduling.CronSchedule.Parse(cron, "UTC");
        var start = fixture.Time.GetUtcNow();
        var first = (await service.GetAsync(null)).Value!.NextCheckAt!.Value;
        Assert.Equal(schedule.NextAfter(start), first.AddTicks(-(first.Ticks % TimeSpan.TicksPerSecond)));

        // Act + Assert: years of fake time in steps longer than any grain timer may be set. A fake clock jumps
        // (timers fire at the end of a jump), so the clock is moved to next_check_at exactly when a step would
        // pass it, as real time would. Each occurrence runs once, on its day; the steps between run nothing.
        // (Rows are counted per step: retention prunes rows older than 90 days of the same fake clock.)
        var end = start + TimeSpan.FromDays(days);
        var total = 0;
        while (fixture.Time.GetUtcNow() < end)
        {
            var before = fixture.Time.GetUtcNow();
            var next = (await service.GetAsync(null)).Value!.NextCheckAt!.Value;
            var step = TimeSpan.FromDays(stepDays);
            var due = next - before <= step ? 1 : 0;
            fixture.Time.Advance(due == 1 ? next - before : step);
            var after = fixture.Time.GetUtcNow();
            await Eventually.IsTrueAsync(async () => await InRangeAsync(service, before, after) >= due, TimeSpan.FromSeconds(20),
                $"{due} checks of {cron} between {before:O} and {after:O}");
            await Task.Delay(due == 1 ? 50 : 5);
            Assert.Equal(due, await InRangeAsync(service, before, after));
            if (due == 1)
            {
                var day = await fixture.Database.ScalarAsync<string>(
                    "SELECT to_char(max(checked_at) AT TIME ZONE 'UTC', 'MM-DD HH24:MI') FROM service_status WHERE service_id = $1", service.GetPrimaryKeyLong());
                Assert.Equal(cron == "0 0 1 6 *" ? "06-01 00:00" : "02-29 00:00", day);
                total++;
            }
        }

        Assert.Equal(Count(schedule, start, end), total);
        Assert.True(total >= (cron == "0 0 1 6 *" ? 3 : 1), $"only {total} occurrences passed");
    }

    private Task<long> InRangeAsync(IServiceMonitorGrain service, DateTimeOffset from, DateTimeOffset until) =>
        fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM service_status WHERE service_id = $1 AND trigger = 'schedule' AND checked_at > $2 AND checked_at <= $3",
            service.GetPrimaryKeyLong(), from, until);

    /// <summary>Occurrences after <paramref name="from"/> whose check (at most a second of spread later) is due by <paramref name="until"/>.</summary>
    private static long Count(Monitoring.Grains.Scheduling.CronSchedule schedule, DateTimeOffset from, DateTimeOffset until)
    {
        var count = 0L;
        for (var occurrence = schedule.NextAfter(from); occurrence is { } o && o + TimeSpan.FromSeconds(1) <= until; occurrence = schedule.NextAfter(o))
        {
            count++;
        }

        return count;
    }
}
