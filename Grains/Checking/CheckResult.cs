namespace Monitoring.Grains.Checking;

/// <summary>A classified check: the fields of a service-status record that the check decides.</summary>
public sealed record CheckResult(
    string Status,
    int? StatusCode,
    int ResponseTimeMs,
    string? ReportedStatus,
    string? Error,
    string? DetailsJson);
