using Microsoft.Extensions.DependencyInjection;
using Monitoring.Grains.Fleet;
using Monitoring.Grains.Interfaces;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Scheduling;

/// <summary>
/// When a silo leaves, Orleans deactivates the other silos' grains whose directory entries it held
/// (<see cref="DeactivationReasonCode.DirectoryFailure"/>). A service grain so dropped is woken again at once by its silo
/// (<see cref="Monitoring.Grains.Fleet.DirectoryRewake"/>), not by the next sweep, and keeps its place in its schedule.
/// The deactivation here is the one Orleans makes, on the grain's own activation; nothing calls the grain afterwards.
/// </summary>
public sealed class DirectoryRewakeTests(ScheduleFixture fixture) : IClassFixture<ScheduleFixture>
{
    [Fact]
    public async Task A_grain_dropped_with_a_leaving_silos_directory_entry_is_active_again_by_itself_and_runs_its_next_occurrence_once()
    {
        var service = await fixture.CreateServiceAsync("* * * * *");
        await fixture.AdvanceToNextCheckAsync(service, 1);

        var rewake = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<DirectoryRewake>();
        var wokenBefore = rewake.Woken;
        var dropped = await DropAsync(service);

        // Assert: a new activation, made by the silo's rewake (the test calls nothing); the occurrence checked before the
        // drop is not checked again, and the next one is checked once.
        await ActiveAgainAsync(service, dropped);
        await Eventually.IsTrueAsync(() => Task.FromResult(rewake.Woken > wokenBefore), TimeSpan.FromSeconds(20), "the rewake to have woken it");
        await fixture.AssertStaysAsync(service, 1);
        await fixture.AdvanceAsync(service, TimeSpan.FromMinutes(1), 2);
        await fixture.AssertStaysAsync(service, 2);
    }

    [Fact]
    public async Task The_new_activation_takes_the_last_started_occurrence_from_the_dropped_one_when_service_status_lacks_it()
    {
        var service = await fixture.CreateServiceAsync("* * * * *");
        await fixture.AdvanceToNextCheckAsync(service, 1);

        // Arrange: the stored check is not in service_status (as while it waits in a silo's journal for PostgreSQL), so
        // only the dropped activation knows that this minute's occurrence has run.
        await fixture.Database.ExecuteAsync($"DELETE FROM service_status WHERE service_id = {service.GetPrimaryKeyLong()}");
        var dropped = await DropAsync(service);

        // Assert: no catch-up for the occurrence that ran (reading service_status alone would run one at once); the
        // next occurrence is checked once.
        await ActiveAgainAsync(service, dropped);
        await fixture.AssertStaysAsync(service, 0);
        await fixture.AdvanceAsync(service, TimeSpan.FromMinutes(1), 1);
        await fixture.AssertStaysAsync(service, 1);
    }

    /// <summary>Waits until the service has an activation other than <paramref name="dropped"/>, without calling it.</summary>
    private Task ActiveAgainAsync(IServiceMonitorGrain service, IGrainContext dropped) =>
        Eventually.IsTrueAsync(() => Task.FromResult(fixture.Cluster.TryGetGrainContext(service.GetGrainId(), out var again) && !ReferenceEquals(again, dropped)),
            TimeSpan.FromSeconds(20), "the dropped grain to be active again without a call");

    /// <summary>Deactivates the service's activation as Orleans' directory does when a silo leaves; returns it once deactivated.</summary>
    private async Task<IGrainContext> DropAsync(IServiceMonitorGrain service)
    {
        Assert.True(fixture.Cluster.TryGetGrainContext(service.GetGrainId(), out var context));
        context.Deactivate(new DeactivationReason(DeactivationReasonCode.DirectoryFailure, "the silo that held this grain's directory entry left"));
        await context.Deactivated;
        return context;
    }
}
