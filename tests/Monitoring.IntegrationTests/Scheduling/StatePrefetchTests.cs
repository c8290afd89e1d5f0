using Microsoft.Extensions.DependencyInjection;
using Monitoring.Grains;
using Monitoring.Grains.Data;
using Monitoring.Grains.Fleet;
using Monitoring.Grains.Interfaces;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Services;
using Monitoring.Grains.Uptime;
using Monitoring.IntegrationTests.Infrastructure;
using Orleans.Storage;

namespace Monitoring.IntegrationTests.Scheduling;

/// <summary>
/// A sweep reads the stored grain states of the services it wakes, and what completes their uptime windows, a batch at a
/// time (<see cref="SnapshotPrefetch"/>): Orleans' read of the state at activation is served from it
/// (<see cref="PrefetchedGrainStorage"/>), the window is restored from it, and what the grain writes later goes to the row it read.
/// </summary>
public sealed class StatePrefetchTests(ScheduleFixture fixture) : IClassFixture<ScheduleFixture>
{
    [Fact]
    public async Task The_bulk_read_finds_each_state_where_Orleans_storage_wrote_it_with_its_version()
    {
        // Arrange: states written by Orleans' ADO.NET storage for keys across the range (each hash differs), one twice.
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        var table = silo.GetRequiredKeyedService<IGrainStorage>(StorageNames.UptimeTable);
        // (Far from the ids of the services the other tests create.)
        long[] written = [1_000_001, 1_000_255, 1_000_256, 70_000_000_001, 4_294_967_296, long.MaxValue, 9_000_000_000_000_123];
        var covered = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        foreach (var id in written)
        {
            var state = new GrainState<ServiceMonitorState>(new ServiceMonitorState { UptimeWindow = [1, 2, (byte)(id % 200)], CoveredUntil = covered.AddSeconds(id % 1000) });
            await table.WriteStateAsync(StorageNames.MonitorState, GrainIdOf(id), state);
            if (id == 1_000_256)
            {
                await table.WriteStateAsync(StorageNames.MonitorState, GrainIdOf(id), state);
            }
        }

        // Act
        var read = await silo.GetRequiredService<SnapshotStore>().ReadManyAsync([.. written, 1_000_002, 1_000_257]);

        // Assert: each as the storage's own read gives it, and none for the keys never written.
        foreach (var id in written.Append(1_000_002).Append(1_000_257))
        {
            var own = new GrainState<ServiceMonitorState>();
            await table.ReadStateAsync(StorageNames.MonitorState, GrainIdOf(id), own);
            var (state, etag, exists) = read[id];
            Assert.Equal((own.ETag, own.RecordExists, own.State!.CoveredUntil), (etag, exists, state.CoveredUntil));
            Assert.Equal(own.State.UptimeWindow, state.UptimeWindow);
        }

        Assert.Equal("2", read[1_000_256].ETag);
        Assert.False(read[1_000_002].RecordExists);
    }

    [Fact]
    public async Task An_activation_restores_its_window_from_the_state_and_results_a_sweep_read()
    {
        // Arrange: a stored snapshot of 10 results, and a sweep's read of another (4 results) with 2 results since.
        var (service, id, row) = await InactiveServiceAsync();
        var now = fixture.Time.GetUtcNow();
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        var table = silo.GetRequiredKeyedService<IGrainStorage>(StorageNames.UptimeTable);
        await table.WriteStateAsync(StorageNames.MonitorState, GrainIdOf(id), new GrainState<ServiceMonitorState>(Snapshot(now, results: 10)));
        var swept = Snapshot(now, results: 4);
        var since = PrefetchedUptime.Since(swept.CoveredUntil, [(now - TimeSpan.FromMinutes(20), "up", 5), (now - TimeSpan.FromMinutes(10), "down", 0)]);
        Offer(silo, id, row, new PrefetchedState(swept, "1", true, since));

        // Act
        var summary = (await service.GetSummaryAsync())!;

        // Assert: 4 from the state read + 2 since; the stored row's 10 were not read.
        Assert.Equal(6, summary.Last24Hours.Total);
        Assert.Equal(5, summary.Last24Hours.Up);
    }

    [Fact]
    public async Task A_window_rebuilt_from_a_sweeps_hourly_sums_is_written_to_the_row_whose_version_was_read()
    {
        // Arrange: a stored row (version 1) without a snapshot in it, and a sweep's read of it with the hours to rebuild from.
        var (service, id, row) = await InactiveServiceAsync();
        var now = fixture.Time.GetUtcNow();
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        var table = silo.GetRequiredKeyedService<IGrainStorage>(StorageNames.UptimeTable);
        await table.WriteStateAsync(StorageNames.MonitorState, GrainIdOf(id), new GrainState<ServiceMonitorState>(new ServiceMonitorState()));
        var hour = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero) - TimeSpan.FromHours(2);
        var hours = new Dictionary<DateTimeOffset, UptimeCounts> { [hour] = new(7, 6, 1, 700) };
        Offer(silo, id, row, new PrefetchedState(new ServiceMonitorState(), "1", true, PrefetchedUptime.Rebuilt(UptimeTracker.RebuildRange(now).From, hours)));

        // Act: the grain activates, then deactivates (writing the rebuilt window).
        var summary = (await service.GetSummaryAsync())!;
        await fixture.Cluster.DeactivateAsync(service);

        // Assert: the window holds the hours read; the write named the version read and made the next one.
        Assert.Equal((7L, 6L), (summary.Last24Hours.Total, summary.Last24Hours.Up));
        var stored = new GrainState<ServiceMonitorState>();
        await Eventually.IsTrueAsync(async () =>
        {
            await table.ReadStateAsync(StorageNames.MonitorState, GrainIdOf(id), stored);
            return stored.ETag == "2";
        }, TimeSpan.FromSeconds(10), "the deactivation's snapshot stored");
        Assert.True(UptimeWindow.Decode(stored.State!.UptimeWindow!)!.TryGetHour(hour, out var counts));
        Assert.Equal(new UptimeCounts(7, 6, 1, 700), counts);
    }

    [Fact]
    public async Task A_state_read_ahead_is_served_once_and_its_window_part_only_with_it()
    {
        // Arrange: a sweep's read of a state that differs from the stored one (none stored).
        var (service, id, row) = await InactiveServiceAsync();
        var now = fixture.Time.GetUtcNow();
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        Offer(silo, id, row, new PrefetchedState(Snapshot(now, results: 3), "1", true, PrefetchedUptime.Since(Snapshot(now, 3).CoveredUntil, [])));

        // Act: activated once with it, then again with nothing read ahead.
        var first = (await service.GetSummaryAsync())!;
        await fixture.Cluster.DeactivateAsync(service);
        var second = (await service.GetSummaryAsync())!;

        // Assert: the second activation read the table (no row: an empty window, rebuilt from no results).
        Assert.Equal(3, first.Last24Hours.Total);
        Assert.Equal(0, second.Last24Hours.Total);
        Assert.Equal(0, silo.GetRequiredService<ActivationPrefetch>().Count);
    }

    private async Task<(IServiceMonitorGrain Service, long Id, StoredService Row)> InactiveServiceAsync()
    {
        var service = await fixture.CreateServiceAsync("0 0 1 1 *");
        var id = service.GetPrimaryKeyLong();
        await fixture.Cluster.DeactivateAsync(service);
        await fixture.Database.ExecuteAsync($"DELETE FROM orleansstorage WHERE grainidn1 = {id}");
        var row = (await fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<ServiceStore>().LoadAsync(id))!;

        // As after a crash: checked before, so a window without a snapshot is rebuilt.
        return (service, id, row with { Runtime = row.Runtime with { LastCheckedAt = fixture.Time.GetUtcNow() - TimeSpan.FromHours(1) } });
    }

    /// <summary>A snapshot of <paramref name="results"/> up results an hour before <paramref name="now"/>, covering until 30 minutes before it.</summary>
    private static ServiceMonitorState Snapshot(DateTimeOffset now, int results)
    {
        var window = new UptimeWindow();
        for (var i = 0; i < results; i++)
        {
            window.Add(now - TimeSpan.FromHours(1) + TimeSpan.FromSeconds(i), HealthStatus.Up, 10);
        }

        return new ServiceMonitorState { UptimeWindow = window.Encode(), CoveredUntil = now - TimeSpan.FromMinutes(30) };
    }

    private GrainId GrainIdOf(long id) => fixture.Grains.GetGrain<IServiceMonitorGrain>(id).GetGrainId();

    // As a sweep offers what it read: reserved first, under the silo's membership version.
    private static void Offer(IServiceProvider silo, long id, StoredService row, PrefetchedState state)
    {
        var prefetch = silo.GetRequiredService<ActivationPrefetch>();
        var version = silo.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Version.Value;
        prefetch.Reserve([id]);
        prefetch.Offer([id], new Dictionary<long, StoredService> { [id] = row }, silo.GetRequiredService<Monitoring.Grains.History.StatusWriter>().MarkReplays(),
            silo.GetRequiredService<TimeProvider>().GetUtcNow(), version, new Dictionary<long, PrefetchedState> { [id] = state });
    }
}
