using System.Net;
using Monitoring.Grains.Fleet;

namespace Monitoring.UnitTests.Fleet;

public sealed class LocalServicesTests
{
    private static readonly SiloAddress A = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress B = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    [Fact]
    public void A_silo_that_is_not_leaving_sends_nothing_anywhere()
    {
        var local = new LocalServices();
        local.Add(7);

        Assert.Null(local.TargetFor(7));
        Assert.Null(local.DrainTargets);
    }

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(1L, 1)]
    [InlineData(2L, 0)]
    [InlineData(1_000_001L, 1)]
    [InlineData(long.MaxValue, 1)]
    public void A_leaving_silo_splits_its_services_by_id_over_the_targets(long serviceId, int target)
    {
        var local = new LocalServices();
        local.StartDraining([A, B]);

        Assert.Equal(new[] { A, B }[target], local.TargetFor(serviceId));
    }

    [Fact]
    public void Tracks_the_services_active_here()
    {
        var local = new LocalServices();
        local.Add(1);
        local.Add(2);
        local.Add(2);
        local.Remove(1);
        local.Remove(3);

        Assert.Equal(1, local.Count);
        Assert.Equal([2L], local.Snapshot());
    }
}
