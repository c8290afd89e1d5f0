using System.Globalization;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Monitors;

namespace Monitoring.Grains.Services;

/// <summary>
/// What the per-service gauges say of one service hosted here: its labels (ids kept as text, made once per activation)
/// and its latest result. Replaced whole on every change, so a scrape reads a consistent one without a lock.
/// </summary>
/// <param name="ServiceId">The service id as its label text.</param>
/// <param name="ClientId">The client id as its label text.</param>
/// <param name="Name">The service's name.</param>
/// <param name="Type"><c>http</c>, <c>tcp</c> or <c>heartbeat</c> (the shared constant, not a copy per service).</param>
/// <param name="Status">The latest result's status; null before the first result.</param>
/// <param name="ResponseTimeMs">The latest result's response time in milliseconds; null before the first result.</param>
/// <param name="TlsExpiresAt">The certificate's notAfter seen by the latest check that saw one; null otherwise.</param>
public sealed record ServiceSeries(string ServiceId, string ClientId, string Name, string Type, HealthStatus? Status, int? ResponseTimeMs, DateTimeOffset? TlsExpiresAt)
{
    /// <summary>
    /// The series of <paramref name="config"/> and <paramref name="runtime"/>, reusing the id texts of <paramref name="previous"/>
    /// (a service's id and client never change).
    /// </summary>
    public static ServiceSeries Of(ServiceConfig config, ServiceRuntime runtime, ServiceSeries? previous) => new(
        previous?.ServiceId ?? config.Id.ToString(CultureInfo.InvariantCulture),
        previous?.ClientId ?? config.ClientId.ToString(CultureInfo.InvariantCulture),
        config.Name,
        SharedType(config.Type),
        runtime.LastStatus,
        runtime.LastResponseTimeMs,
        config.IsHeartbeat ? null : runtime.TlsExpiresAt);

    private static string SharedType(string type) => type switch
    {
        MonitorTypes.Http => MonitorTypes.Http,
        MonitorTypes.Tcp => MonitorTypes.Tcp,
        MonitorTypes.Heartbeat => MonitorTypes.Heartbeat,
        _ => type,
    };
}
