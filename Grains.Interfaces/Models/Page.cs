namespace Monitoring.Grains.Interfaces.Models;

/// <summary>One page of a find, as Feathers paginates: <c>{ total, limit, skip, data }</c>.</summary>
[GenerateSerializer, Immutable, Alias("page`1")]
public sealed record Page<T>(
    [property: Id(0)] long Total,
    [property: Id(1)] int Limit,
    [property: Id(2)] int Skip,
    [property: Id(3)] IReadOnlyList<T> Data);
