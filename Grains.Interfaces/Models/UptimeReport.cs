namespace Monitoring.Grains.Interfaces.Models;

/// <summary>A service's uptime over [From, To]; percentages and average are null when nothing was checked.</summary>
[GenerateSerializer, Immutable, Alias("uptime-report")]
public sealed record UptimeReport(
    [property: Id(0)] long ServiceId,
    [property: Id(1)] string Period,
    [property: Id(2)] DateTimeOffset From,
    [property: Id(3)] DateTimeOffset To,
    [property: Id(4)] UptimeCounts Counts,
    [property: Id(5)] IReadOnlyList<UptimeBucket>? Buckets)
{
    /// <summary>Results of the period taken in a maintenance window: counted here, in none of <see cref="Counts"/>.</summary>
    [Id(6)] public long MaintenanceChecks { get; init; }
}

/// <summary>Counts of one interval and the sum of their response times.</summary>
[GenerateSerializer, Immutable, Alias("uptime-counts")]
public readonly record struct UptimeCounts(
    [property: Id(0)] long Total,
    [property: Id(1)] long Up,
    [property: Id(2)] long Degraded,
    [property: Id(3)] long ResponseTimeSumMs)
{
    public long Down => Total - Up - Degraded;

    /// <summary>(up + degraded) / total × 100, computed in that order.</summary>
    public double? UptimePercentage => Total == 0 ? null : (double)(Up + Degraded) / Total * 100;

    /// <summary>up / total × 100.</summary>
    public double? HealthyPercentage => Total == 0 ? null : (double)Up / Total * 100;

    public double? AverageResponseTimeMs => Total == 0 ? null : (double)ResponseTimeSumMs / Total;

    public static UptimeCounts operator +(UptimeCounts a, UptimeCounts b) =>
        new(a.Total + b.Total, a.Up + b.Up, a.Degraded + b.Degraded, a.ResponseTimeSumMs + b.ResponseTimeSumMs);
}

[GenerateSerializer, Immutable, Alias("uptime-bucket")]
public sealed record UptimeBucket([property: Id(0)] DateTimeOffset Start, [property: Id(1)] UptimeCounts Counts)
{
    [Id(2)] public long MaintenanceChecks { get; init; }
}
