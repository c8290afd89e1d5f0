using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Scheduling;

/// <summary>
/// A heartbeat's overdue logic in its grain, on the fake clock of an Orleans test cluster (with the real PostgreSQL that
/// decides each miss): reports just before and just after a deadline, and a grace longer than the interval.
/// DST is the schedule's (HeartbeatScheduleTests); these take the grain's timer, memory and SQL together.
/// </summary>
public sealed class HeartbeatClockTests(ScheduleFixture fixture) : IClassFixture<ScheduleFixture>
{
    [Fact]
    public async Task A_report_just_before_its_deadline_counts_and_one_just_after_counts_only_for_the_next_occurrence()
    {
        var start = NextMinute();
        fixture.Time.SetUtcNow(start);
        var (service, report) = await CreateHeartbeatAsync("* * * * *", graceSeconds: 30);

        // Every minute with 30 s of grace: the occurrence O is due at O + 30 s, over reports after O - 60 s.
        // +1m is due at +90 s: reported 1 ms before, which also covers +2m (its window starts at +1m).
        await AdvanceToAsync(start.AddSeconds(90).AddMilliseconds(-1));
        await report();
        await AdvanceToAsync(start.AddSeconds(152));

        // +3m is due at +210 s: reported 1 ms after, so it is missed; that report covers +4m.
        await AdvanceToAsync(start.AddSeconds(210).AddMilliseconds(1));
        await report();
        await AdvanceToAsync(start.AddSeconds(272));

        // +5m gets nothing.
        await AdvanceToAsync(start.AddSeconds(332));

        await AssertMissedAsync(service, start.AddMinutes(3), start.AddMinutes(5));
    }

    [Fact]
    public async Task A_grace_longer_than_the_interval_lets_one_report_cover_every_window_that_holds_it()
    {
        var start = NextMinute();
        fixture.Time.SetUtcNow(start);
        var (service, report) = await CreateHeartbeatAsync("* * * * *", graceSeconds: 150);

        // Every minute, 2.5 minutes of grace: 12:01 is due at 12:03:30 over reports after 12:00.
        await AdvanceToAsync(start.AddSeconds(70));
        await report();
        await AdvanceToAsync(start.AddMinutes(4));
        await report();

        // 12:01 to 12:04 are covered (by 12:01:10 or 12:04:00); 12:05 (due 12:07:30) and 12:06 (due 12:08:30) are not.
        await AdvanceToAsync(start.AddMinutes(8).AddSeconds(32));

        await AssertMissedAsync(service, start.AddMinutes(5), start.AddMinutes(6));
    }

    [Fact]
    public async Task A_disabled_heartbeat_reports_no_miss_and_counts_again_from_when_it_is_enabled()
    {
        var start = NextMinute();
        fixture.Time.SetUtcNow(start);
        var (service, _) = await CreateHeartbeatAsync("* * * * *", graceSeconds: 0);
        var disabled = await service.PatchAsync(new ServiceFields { Enabled = false }, null);
        Assert.Null(disabled.Failure);

        await AdvanceToAsync(start.AddMinutes(5).AddSeconds(10));
        var enabled = await service.PatchAsync(new ServiceFields { Enabled = true }, null);
        Assert.Null(enabled.Failure);
        await AdvanceToAsync(start.AddMinutes(7).AddSeconds(2));

        await AssertMissedAsync(service, start.AddMinutes(6), start.AddMinutes(7));
    }

    /// <summary>The next whole minute of the fake clock (tests of this class share it, and it never goes back).</summary>
    private DateTimeOffset NextMinute()
    {
        var now = fixture.Time.GetUtcNow();
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
    }

    private async Task<(IServiceMonitorGrain Service, Func<Task> Report)> CreateHeartbeatAsync(string cron, int graceSeconds)
    {
        var client = await fixture.Grains.GetGrain<IClientRegistryGrain>(0).CreateAsync(new ClientFields { Name = $"c-{Guid.NewGuid():N}" });
        var created = await fixture.Grains.GetGrain<IClientGrain>(client.Value!.Id).CreateServiceAsync(new ServiceFields
        {
            Name = "job", Type = "heartbeat", CronSchedule = cron, GraceSeconds = graceSeconds,
        });
        Assert.True(created.Failure is null, created.Failure?.Message);
        var service = fixture.Grains.GetGrain<IServiceMonitorGrain>(created.Value!.Id);
        var hash = PingToken.Hash(created.Value.PingToken!);
        return (service, async () =>
        {
            var stored = await service.ReportPingAsync(new PingReport(hash, PingKind.Success, null, null));
            Assert.True(stored.Value, stored.Failure?.Message);
        });
    }

    /// <summary>Moves the fake clock (never back) and gives the grain's timer and its SQL time to run.</summary>
    private async Task AdvanceToAsync(DateTimeOffset time)
    {
        if (time > fixture.Time.GetUtcNow())
        {
            fixture.Time.SetUtcNow(time);
        }

        await Task.Delay(600);
    }

    /// <summary>The misses stored are exactly those of <paramref name="occurrences"/>, once each.</summary>
    private async Task AssertMissedAsync(IServiceMonitorGrain service, params DateTimeOffset[] occurrences)
    {
        var expected = string.Join(",", occurrences.Select(o => $"miss:{o.ToUnixTimeMilliseconds()}"));
        await Eventually.IsTrueAsync(
            async () => await MissesAsync(service) == expected, TimeSpan.FromSeconds(10), $"the misses {expected}, have {await MissesAsync(service)}");
        await Task.Delay(500);
        Assert.Equal(expected, await MissesAsync(service));
    }

    private Task<string> MissesAsync(IServiceMonitorGrain service) => fixture.Database.ScalarAsync<string>(
        "SELECT coalesce(string_agg(due_key, ',' ORDER BY checked_at), '') FROM service_status WHERE service_id = $1 AND trigger = 'schedule'",
        service.GetPrimaryKeyLong());
}
