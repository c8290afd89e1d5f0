namespace Monitoring.Grains.Interfaces.Models;

/// <summary>The writable fields of a monitored service as a create or patch body carried them.</summary>
[GenerateSerializer, Immutable, Alias("service-fields")]
public sealed record ServiceFields
{
    [Id(0)] public Optional<long?> ClientId { get; init; }
    [Id(1)] public Optional<string?> Name { get; init; }
    [Id(2)] public Optional<string?> EndpointUrl { get; init; }
    [Id(3)] public Optional<string?> Method { get; init; }
    [Id(4)] public Optional<int?> ExpectedStatusCode { get; init; }
    [Id(5)] public Optional<int?> TimeoutMs { get; init; }
    [Id(6)] public Optional<int?> DegradedThresholdMs { get; init; }
    [Id(7)] public Optional<string?> CronSchedule { get; init; }
    [Id(8)] public Optional<string?> CronTimezone { get; init; }
    [Id(9)] public Optional<bool?> Enabled { get; init; }
    [Id(10)] public Optional<string?> BasicAuthUsername { get; init; }
    [Id(11)] public Optional<Secret?> BasicAuthPassword { get; init; }
    [Id(12)] public Optional<long[]?> AlertChannelIds { get; init; }
    [Id(13)] public Optional<int?> FailureThreshold { get; init; }
    [Id(14)] public Optional<int?> SuccessThreshold { get; init; }
    [Id(15)] public Optional<string?> AlertOn { get; init; }
    [Id(16)] public Optional<int?> RenotifyMinutes { get; init; }
    [Id(17)] public Optional<long?> DependsOnServiceId { get; init; }
    [Id(18)] public Optional<string?> Type { get; init; }
    [Id(19)] public Optional<string?> RequestBody { get; init; }

    /// <summary>Request headers in the order given; null removes them.</summary>
    [Id(20)] public Optional<KeyValuePair<string, string>[]?> RequestHeaders { get; init; }
    [Id(21)] public Optional<bool?> FollowRedirects { get; init; }
    [Id(22)] public Optional<bool?> TlsVerify { get; init; }
    [Id(23)] public Optional<int?> TlsExpiryDays { get; init; }
    [Id(24)] public Optional<string[]?> Conditions { get; init; }
    [Id(25)] public Optional<int?> GraceSeconds { get; init; }
    [Id(26)] public Optional<bool?> Public { get; init; }
}
