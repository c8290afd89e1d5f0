using System.Text.Json.Serialization;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Gateway.Api;

/// <summary>One service's uptime-stats object as the contract names its fields.</summary>
public sealed record UptimeStatsBody(
    long ServiceId,
    string Period,
    DateTimeOffset From,
    DateTimeOffset To,
    long TotalChecks,
    long UpChecks,
    long DegradedChecks,
    long DownChecks,
    double? UptimePercentage,
    double? HealthyPercentage,
    double? AvgResponseTimeMs,
    long MaintenanceChecks,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<UptimeBucketBody>? Buckets)
{
    public static UptimeStatsBody Of(UptimeReport report) => new(
        report.ServiceId,
        report.Period,
        report.From,
        report.To,
        report.Counts.Total,
        report.Counts.Up,
        report.Counts.Degraded,
        report.Counts.Down,
        report.Counts.UptimePercentage,
        report.Counts.HealthyPercentage,
        report.Counts.AverageResponseTimeMs,
        report.MaintenanceChecks,
        report.Buckets?.Select(UptimeBucketBody.Of).ToList());
}

/// <summary>One hour or UTC day of a period.</summary>
public sealed record UptimeBucketBody(
    DateTimeOffset Start,
    long TotalChecks,
    long UpChecks,
    long DegradedChecks,
    long DownChecks,
    double? UptimePercentage,
    double? AvgResponseTimeMs,
    long MaintenanceChecks)
{
    public static UptimeBucketBody Of(UptimeBucket bucket) => new(
        bucket.Start,
        bucket.Counts.Total,
        bucket.Counts.Up,
        bucket.Counts.Degraded,
        bucket.Counts.Down,
        bucket.Counts.UptimePercentage,
        bucket.Counts.AverageResponseTimeMs,
        bucket.MaintenanceChecks);
}
