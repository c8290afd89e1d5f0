namespace Monitoring.Grains.Interfaces.Models;

/// <summary>Events a silo pushes to every gateway in one call, in the order they happened.</summary>
[GenerateSerializer, Immutable, Alias("feed-batch")]
public sealed record FeedBatch([property: Id(0)] IReadOnlyList<FeedEvent> Events);
