using Monitoring.Grains.Interfaces;
using Orleans.Concurrency;

namespace Monitoring.Grains.Feed;

/// <summary>
/// Which gateways want the live feed. Kept in memory only: gateways renew their entry every few seconds,
/// so after a failover the list refills by itself, and a gateway that stops renewing drops out.
/// </summary>
[Reentrant]
public sealed class FeedSubscribersGrain(TimeProvider time) : Grain, IFeedSubscribersGrain
{
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(20);

    private readonly Dictionary<Guid, (IFeedObserver Observer, DateTimeOffset LastSeen)> gateways = [];

    public Task RenewAsync(Guid gatewayId, IFeedObserver observer)
    {
        gateways[gatewayId] = (observer, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task LeaveAsync(Guid gatewayId)
    {
        gateways.Remove(gatewayId);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IFeedObserver>> ListAsync()
    {
        var cutoff = time.GetUtcNow() - Expiry;
        foreach (var expired in gateways.Where(g => g.Value.LastSeen < cutoff).Select(g => g.Key).ToList())
        {
            gateways.Remove(expired);
        }

        return Task.FromResult<IReadOnlyList<IFeedObserver>>(gateways.Values.Select(g => g.Observer).ToList());
    }
}
