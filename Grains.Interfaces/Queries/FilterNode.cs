namespace Monitoring.Grains.Interfaces.Queries;

/// <summary>A node of a find's filter: all of, any of, or one comparison of a field with a value.</summary>
[GenerateSerializer, Immutable, Alias("filter")]
public abstract record FilterNode;

[GenerateSerializer, Immutable, Alias("filter-all")]
public sealed record AllOf([property: Id(0)] IReadOnlyList<FilterNode> Nodes) : FilterNode;

[GenerateSerializer, Immutable, Alias("filter-any")]
public sealed record AnyOf([property: Id(0)] IReadOnlyList<FilterNode> Nodes) : FilterNode;

/// <summary>
/// <c>field op value</c>. <see cref="Values"/> holds one value (long, string, bool, DateTimeOffset or
/// null), or the list of an <c>$in</c> / <c>$nin</c>, already converted to the field's type.
/// </summary>
[GenerateSerializer, Immutable, Alias("filter-compare")]
public sealed record Comparison(
    [property: Id(0)] string Field,
    [property: Id(1)] ComparisonOperator Operator,
    [property: Id(2)] IReadOnlyList<object?> Values) : FilterNode;

[GenerateSerializer, Alias("comparison-operator")]
public enum ComparisonOperator
{
    Equal,
    NotEqual,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    NotIn,
    Like,
    NotLike,
    ILike,
}
