namespace Monitoring.Grains.Interfaces;

/// <summary>
/// The list of gateways that want the live feed (key 0). Gateways renew their entry periodically and
/// entries that are not renewed expire, so a stopped gateway drops out and a restarted one rejoins.
/// </summary>
[Alias("monitoring.feed-subscribers")]
public interface IFeedSubscribersGrain : IGrainWithIntegerKey
{
    [Alias("renew")]
    Task RenewAsync(Guid gatewayId, IFeedObserver observer);

    [Alias("leave")]
    Task LeaveAsync(Guid gatewayId);

    [Alias("list"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<IFeedObserver>> ListAsync();
}
