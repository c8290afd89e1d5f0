using Microsoft.Extensions.DependencyInjection;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Services;
using Monitoring.IntegrationTests.Infrastructure;
using Monitoring.IntegrationTests.Scheduling;

namespace Monitoring.IntegrationTests.Uptime;

/// <summary>
/// A service's uptime snapshots go through the silo's <see cref="SnapshotGate"/>: a periodic one that finds every slot
/// taken stays due and is written at a later timer; a deactivation's waits for a slot and is written once one is free.
/// Real grain storage on PostgreSQL; the grain's clock is fake, so the 30-minute interval passes in a few steps.
/// </summary>
public sealed class SnapshotGateWiringTests(ScheduleFixture fixture) : IClassFixture<ScheduleFixture>
{
    private SnapshotGate Gate => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<SnapshotGate>();

    [Fact]
    public async Task A_due_snapshot_that_finds_the_slots_taken_stays_due_and_is_written_at_a_later_timer()
    {
        var service = await fixture.CreateServiceAsync("0 */10 * * * *", url: fixture.Target.Reply(200));
        await fixture.AdvanceToNextCheckAsync(service, 1);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Enumerable.Range(0, SnapshotGate.DefaultSlots).Select(_ => Gate.TryWriteAsync(() => hold.Task)).ToList();
        var skippedBefore = Gate.Skipped;

        // 40 minutes of 10-minute occurrences: the first snapshot falls due (30 minutes plus at most 299 s of stagger).
        for (var i = 2; i <= 5; i++)
        {
            await fixture.AdvanceToNextCheckAsync(service, i);
        }

        await Eventually.IsTrueAsync(() => Task.FromResult(Gate.Skipped > skippedBefore), TimeSpan.FromSeconds(10), "a skipped snapshot");
        Assert.Equal(0, await SnapshotVersionAsync(service));

        hold.SetResult();
        Assert.All(await Task.WhenAll(held), Assert.True);
        await fixture.AdvanceToNextCheckAsync(service, 6);

        await Eventually.IsTrueAsync(async () => await SnapshotVersionAsync(service) > 0, TimeSpan.FromSeconds(10), "the snapshot written at the next timer");
    }

    [Fact]
    public async Task A_deactivation_waits_for_a_slot_and_then_writes_its_snapshot()
    {
        var service = await fixture.CreateServiceAsync("0 */10 * * * *", url: fixture.Target.Reply(200));
        await fixture.AdvanceToNextCheckAsync(service, 1);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = Enumerable.Range(0, SnapshotGate.DefaultSlots).Select(_ => Gate.TryWriteAsync(() => hold.Task)).ToList();

        var deactivation = fixture.Cluster.DeactivateAsync(service);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, await SnapshotVersionAsync(service));

        hold.SetResult();
        Assert.All(await Task.WhenAll(held), Assert.True);
        await deactivation;
        await Eventually.IsTrueAsync(async () => await SnapshotVersionAsync(service) > 0, TimeSpan.FromSeconds(10), "the deactivation's snapshot");
    }

    private Task<int> SnapshotVersionAsync(IServiceMonitorGrain service) =>
        fixture.Database.ScalarAsync<int>(
            "SELECT coalesce(max(version), 0) FROM orleansstorage WHERE payloadbinary IS NOT NULL AND grainidn1 = $1", service.GetPrimaryKeyLong());
}
