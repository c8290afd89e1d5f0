using Microsoft.Extensions.DependencyInjection;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Scheduling;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Scheduling;

/// <summary>
/// A service grain counts its service into its silo's spread (<see cref="SpreadPolicy.Joined"/>) when it begins to be
/// checked on a cron, once, and out when it stops; a grain that only comes back (an activation, a wake) or an update that
/// schedules it the same does not count it again. Seen through the silo's count of the cron, which the census at the
/// silo's start and the table agree with whenever one runs.
/// </summary>
public sealed class SpreadJoinTests(ScheduleFixture fixture) : IClassFixture<ScheduleFixture>
{
    [Fact]
    public async Task A_service_counts_once_on_its_cron_while_it_is_checked_there()
    {
        // Arrange: crons no other service uses, created after the silo's start-up sweep took its census (2 s after the
        // start; the periodic one runs on the fixture's fake clock, which this class never advances).
        await Task.Delay(TimeSpan.FromSeconds(3));
        const string daily = "17 3 * * *";
        const string hourly = "17 * * * *";
        var spread = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<SpreadPolicy>();
        var service = await fixture.CreateServiceAsync(daily);
        Assert.Equal(1, spread.SharersPerSilo(daily));

        // An update that schedules it the same, a new activation and a wake: still once.
        await PatchAsync(service, new ServiceFields { Name = "renamed" });
        await fixture.Cluster.DeactivateAsync(service);
        await service.WakeAsync();
        await PatchAsync(service, new ServiceFields { Enabled = true });
        Assert.Equal(1, spread.SharersPerSilo(daily));

        // Moved to another cron: counted there.
        await PatchAsync(service, new ServiceFields { CronSchedule = hourly });
        Assert.Equal((0, 1), (spread.SharersPerSilo(daily), spread.SharersPerSilo(hourly)));

        // Disabled: not counted; enabled again: once.
        await PatchAsync(service, new ServiceFields { Enabled = false });
        Assert.Equal(0, spread.SharersPerSilo(hourly));
        await PatchAsync(service, new ServiceFields { Enabled = true });
        await PatchAsync(service, new ServiceFields { Enabled = true });
        Assert.Equal(1, spread.SharersPerSilo(hourly));
    }

    private static async Task PatchAsync(IServiceMonitorGrain service, ServiceFields fields)
    {
        var patched = await service.PatchAsync(fields, null);
        Assert.True(patched.Failure is null, patched.Failure?.Message);
    }
}
