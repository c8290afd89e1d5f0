namespace Monitoring.Grains.Interfaces.Models;

/// <summary>A client as the API returns it.</summary>
[GenerateSerializer, Immutable, Alias("client")]
public sealed record ClientRecord(
    [property: Id(0)] long Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Description,
    [property: Id(3)] string? ContactEmail,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset UpdatedAt);
