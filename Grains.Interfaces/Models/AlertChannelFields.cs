namespace Monitoring.Grains.Interfaces.Models;

/// <summary>The writable fields of an alert channel as a create or patch body carried them.</summary>
[GenerateSerializer, Immutable, Alias("alert-channel-fields")]
public sealed record AlertChannelFields
{
    [Id(0)] public Optional<long?> ClientId { get; init; }
    [Id(1)] public Optional<string?> Name { get; init; }
    [Id(2)] public Optional<string?> Type { get; init; }
    [Id(3)] public Optional<Secret?> Url { get; init; }
    [Id(4)] public Optional<Secret?> Secret { get; init; }
    [Id(5)] public Optional<string[]?> EmailTo { get; init; }
    [Id(6)] public Optional<bool?> Enabled { get; init; }
    [Id(7)] public Optional<bool?> SendResolved { get; init; }
}
