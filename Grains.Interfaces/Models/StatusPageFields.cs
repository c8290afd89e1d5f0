namespace Monitoring.Grains.Interfaces.Models;

/// <summary>The writable fields of a status page as a create or patch body carried them.</summary>
[GenerateSerializer, Immutable, Alias("status-page-fields")]
public sealed record StatusPageFields
{
    [Id(0)] public Optional<long?> ClientId { get; init; }
    [Id(1)] public Optional<string?> Slug { get; init; }
    [Id(2)] public Optional<string?> Title { get; init; }
    [Id(3)] public Optional<string?> Description { get; init; }
    [Id(4)] public Optional<long[]?> ServiceIds { get; init; }
    [Id(5)] public Optional<bool?> Public { get; init; }
}
