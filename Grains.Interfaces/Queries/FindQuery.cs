namespace Monitoring.Grains.Interfaces.Queries;

/// <summary>
/// A parsed Feathers find: the gateway builds it from the query string (and refuses what does not
/// parse), the query grain translates it into parameterised SQL.
/// </summary>
[GenerateSerializer, Immutable, Alias("find-query")]
public sealed record FindQuery(
    [property: Id(0)] int Limit,
    [property: Id(1)] int Skip,
    [property: Id(2)] IReadOnlyList<SortKey> Sort,
    [property: Id(3)] FilterNode? Filter,
    [property: Id(4)] IReadOnlyList<string>? Select = null)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;
}

[GenerateSerializer, Immutable, Alias("sort-key")]
public sealed record SortKey([property: Id(0)] string Field, [property: Id(1)] bool Descending);
