using Microsoft.Extensions.DependencyInjection;
using Monitoring.Grains.Data;
using Monitoring.Grains.Fleet;
using Monitoring.IntegrationTests.Infrastructure;

namespace Monitoring.IntegrationTests.Scheduling;

/// <summary>
/// A sweep reads the rows of the services it wakes a thousand at a time (<see cref="ActivationPrefetch"/>): the grain's
/// activation takes what was read for it instead of reading its own, once.
/// </summary>
public sealed class ActivationPrefetchTests(ScheduleFixture fixture) : IClassFixture<ScheduleFixture>
{
    [Fact]
    public async Task An_activation_takes_what_a_sweep_read_for_it_and_only_once()
    {
        // Arrange: a service whose grain is not active, and an entry for it whose name differs from its row's, so the
        // name the grain answers says which one it loaded.
        var service = await fixture.CreateServiceAsync("0 0 1 1 *");
        var id = service.GetPrimaryKeyLong();
        await fixture.Cluster.DeactivateAsync(service);
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        var prefetch = silo.GetRequiredService<ActivationPrefetch>();
        var read = (await silo.GetRequiredService<ServiceStore>().LoadAsync(id))!;
        Offer(silo, id, read with { Config = read.Config with { Name = "as the sweep read it" } });

        // Act
        var first = (await service.GetAsync(null)).Value!.Name;
        await fixture.Cluster.DeactivateAsync(service);
        var second = (await service.GetAsync(null)).Value!.Name;

        // Assert
        Assert.Equal("as the sweep read it", first);
        Assert.Equal("scheduled", second);
        Assert.Equal(0, prefetch.Count);
    }

    [Fact]
    public async Task What_a_sweep_read_while_the_grain_was_active_is_not_taken_by_its_next_activation()
    {
        // Arrange: the grain is active (it could change its row after such a read) when an entry for it is offered.
        var service = await fixture.CreateServiceAsync("0 0 1 1 *");
        var id = service.GetPrimaryKeyLong();
        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        var prefetch = silo.GetRequiredService<ActivationPrefetch>();
        var read = (await silo.GetRequiredService<ServiceStore>().LoadAsync(id))!;
        Offer(silo, id, read with { Config = read.Config with { Name = "read while active" } });

        // Act: it deactivates, and something activates it again.
        await fixture.Cluster.DeactivateAsync(service);
        var name = (await service.GetAsync(null)).Value!.Name;

        // Assert: the deactivation withdrew the entry; the new activation read the row.
        Assert.Equal("scheduled", name);
        Assert.Equal(0, prefetch.Count);
    }

    [Fact]
    public async Task A_sweep_wakes_services_whose_grains_are_not_active_with_the_rows_it_read_for_them()
    {
        // Arrange: services written straight to the table, as a restart finds them (no grain active).
        var client = await fixture.Database.ScalarAsync<long>("INSERT INTO clients (name) VALUES ('swept ' || gen_random_uuid()) RETURNING id");
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await fixture.Database.ScalarAsync<long>(
                "INSERT INTO client_services (client_id, name, endpoint_url, cron_schedule) VALUES ($1, 'swept', 'http://127.0.0.1:9/', '0 0 1 1 *') RETURNING id", client));
        }

        var silo = fixture.Cluster.Silos[0].ServiceProvider;
        var prefetch = silo.GetRequiredService<ActivationPrefetch>();
        var local = silo.GetRequiredService<LocalServices>();
        var takenBefore = prefetch.Taken;

        // Act: the periodic sweep comes due on the silo's (fake) clock.
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Eventually.IsTrueAsync(() => Task.FromResult(ids.All(local.Contains)), TimeSpan.FromSeconds(20), "the swept services active");

        // Assert: each activation took what the sweep read; nothing is left waiting.
        Assert.True(prefetch.Taken - takenBefore >= ids.Count, $"{prefetch.Taken - takenBefore} activations took a sweep's read");
        await Eventually.IsTrueAsync(() => Task.FromResult(prefetch.Count == 0), TimeSpan.FromSeconds(10), "no entry left");
    }

    // As a sweep offers what it read: reserved first, under the silo's membership version.
    private static void Offer(IServiceProvider silo, long id, StoredService read)
    {
        var prefetch = silo.GetRequiredService<ActivationPrefetch>();
        var version = silo.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Version.Value;
        prefetch.Reserve([id]);
        prefetch.Offer([id], new Dictionary<long, StoredService> { [id] = read }, default, silo.GetRequiredService<TimeProvider>().GetUtcNow(), version);
    }
}
