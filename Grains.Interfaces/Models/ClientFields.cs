namespace Monitoring.Grains.Interfaces.Models;

/// <summary>The writable fields of a client as a create or patch body carried them.</summary>
[GenerateSerializer, Immutable, Alias("client-fields")]
public sealed record ClientFields
{
    [Id(0)] public Optional<string?> Name { get; init; }
    [Id(1)] public Optional<string?> Description { get; init; }
    [Id(2)] public Optional<string?> ContactEmail { get; init; }
}
