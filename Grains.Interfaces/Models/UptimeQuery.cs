namespace Monitoring.Grains.Interfaces.Models;

/// <summary>An uptime-stats request: the period ending now (as sent, e.g. "7d") and the optional bucket size.</summary>
[GenerateSerializer, Immutable, Alias("uptime-query")]
public sealed record UptimeQuery(
    [property: Id(0)] string Period,
    [property: Id(1)] TimeSpan Length,
    [property: Id(2)] UptimeBucketSize Bucket);

[GenerateSerializer, Alias("uptime-bucket-size")]
public enum UptimeBucketSize
{
    None,
    Hour,
    Day,
}
