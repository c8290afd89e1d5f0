using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.IntegrationTests.Infrastructure;
using Monitoring.IntegrationTests.Scheduling;

namespace Monitoring.IntegrationTests.Uptime;

/// <summary>The uptime window survives its grain going away: through grain storage, or rebuilt from SQL when that is gone.</summary>
public sealed class UptimePersistenceTests(ScheduleFixture fixture) : IClassFixture<ScheduleFixture>
{
    [Fact]
    public async Task The_window_is_kept_through_grain_storage_and_rebuilt_when_storage_is_lost()
    {
        var service = await fixture.CreateServiceAsync("* * * * * *", url: fixture.Target.Reply(200));
        await fixture.AdvanceToNextCheckAsync(service, 1);
        for (var i = 2; i <= 4; i++)
        {
            await fixture.AdvanceAsync(service, TimeSpan.FromSeconds(1), i);
        }

        await service.PatchAsync(new ServiceFields { EndpointUrl = fixture.Target.Reply(503) }, null);
        for (var i = 5; i <= 7; i++)
        {
            await fixture.AdvanceAsync(service, TimeSpan.FromSeconds(1), i);
        }

        // Act 1: the grain goes away (its window is written to grain storage) and comes back later.
        await fixture.Cluster.DeactivateAsync(service);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM orleansstorage WHERE payloadbinary IS NOT NULL AND grainidn1 = $1", service.GetPrimaryKeyLong()));
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        await service.GetAsync(null);
        await Eventually.IsTrueAsync(async () => await fixture.ScheduledChecksAsync(service) == 8, TimeSpan.FromSeconds(20), "the catch-up check");

        // Assert 1
        await AssertMatchesSqlAsync(service, expectedTotal: 8);

        // Act 2: the stored window is lost; the next activation rebuilds it from service_status.
        await fixture.Cluster.DeactivateAsync(service);
        await fixture.Database.ExecuteAsync($"DELETE FROM orleansstorage WHERE grainidn1 = {service.GetPrimaryKeyLong()}");
        await service.GetAsync(null);

        // Assert 2
        await AssertMatchesSqlAsync(service, expectedTotal: 8);
    }

    private async Task AssertMatchesSqlAsync(IServiceMonitorGrain service, long expectedTotal)
    {
        var report = (await service.GetUptimeAsync(new UptimeQuery("1h", TimeSpan.FromHours(1), UptimeBucketSize.Hour), null)).Value!;
        var sql = await UptimeSql.CountsAsync(fixture.Database, service.GetPrimaryKeyLong(), report.From, report.To);

        Assert.Equal(expectedTotal, sql.Total);
        Assert.Equal((sql.Total, sql.Up, sql.Degraded, sql.ResponseTimeSum), (report.Counts.Total, report.Counts.Up, report.Counts.Degraded, report.Counts.ResponseTimeSumMs));
        Assert.Equal(sql.Down, report.Counts.Down);
        Assert.Equal(sql.Total, report.Buckets!.Sum(b => b.Counts.Total));
    }
}
