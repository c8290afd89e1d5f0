namespace Monitoring.Grains.Services;

/// <summary>
/// What a service grain keeps in Orleans grain storage: its uptime window as of <see cref="CoveredUntil"/>.
/// Results checked at or after that moment are read back from service_status on activation, so a
/// failover keeps the window exact without writing state on every check.
/// </summary>
[GenerateSerializer, Alias("monitoring.service-monitor-state")]
public sealed class ServiceMonitorState
{
    /// <summary>The encoded <see cref="Uptime.UptimeWindow"/>; null between writes to keep memory small.</summary>
    [Id(0)]
    public byte[]? UptimeWindow { get; set; }

    [Id(1)]
    public DateTimeOffset CoveredUntil { get; set; }
}
