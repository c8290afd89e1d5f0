using Monitoring.Grains.Interfaces.Models;
using Orleans.Concurrency;

namespace Monitoring.Grains.Interfaces;

/// <summary>
/// Implemented by every gateway: silos push batches of feed events to it. One-way, so a slow gateway
/// never holds a silo's publisher.
/// </summary>
[Alias("monitoring.feed-observer")]
public interface IFeedObserver : IGrainObserver
{
    [Alias("receive"), OneWay]
    Task ReceiveAsync(FeedBatch batch);
}
