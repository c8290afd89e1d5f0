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
        prefetch.Offer(new Dictionary<long, StoredService> { [id] = read with { Config = read.Config with { Name = "as the sweep read it" } } }, default, fixture.Time.GetUtcNow());

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
        prefetch.Offer(new Dictionary<long, StoredService> { [id] = read with { Config = read.Config with { Name = "read while active" } } }, default, fixture.Time.GetUtcNow());

        // Act: it deactivates, and something activates it again.
        await fixture.Cluster.DeactivateAsync(service);
        var name = (await service.GetAsync(null)).Value!.Name;

        // Assert: the deactivation withdrew the entry; the new activation read the row.
        Assert.Equal("scheduled", name);
        Assert.Equal(0, prefetch.Count);
    }
}
