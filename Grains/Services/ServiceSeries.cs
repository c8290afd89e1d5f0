using System.Globalization;
using Monitoring.Grains.Interfaces.Models;
using Monitoring.Grains.Monitors;

namespace Monitoring.Grains.Services;

/// <summary>
/// What the per-service gauges say of one service hosted here: its labels (ids kept as text, made once per activation),
/// its certificate's expiry and its latest result. The labels and the expiry never change in an instance (a change of
/// either puts a new one in the registry); the latest result is changed in place with each committed result, as one
/// 64-bit word, so a scrape without a lock reads a status and a response time of the same result.
/// </summary>
/// <remarks>
/// In place rather than a new instance per result: an instance replaced per check lived until the next check (minutes)
/// and died in the old generation, at a million services thousands of times a second.
/// </remarks>
public sealed class ServiceSeries
{
    // Bits 0-31: the response time in ms; bit 32: whether there is one; bits 33-35: the status + 1 (0: none).
    private long latest;

    private ServiceSeries(string serviceId, string clientId, string name, string type, DateTimeOffset? tlsExpiresAt)
    {
        ServiceId = serviceId;
        ClientId = clientId;
        Name = name;
        Type = type;
        TlsExpiresAt = tlsExpiresAt;
    }

    /// <summary>The service id as its label text.</summary>
    public string ServiceId { get; }

    /// <summary>The client id as its label text.</summary>
    public string ClientId { get; }

    /// <summary>The service's name.</summary>
    public string Name { get; }

    /// <summary><c>http</c>, <c>tcp</c> or <c>heartbeat</c> (the shared constant, not a copy per service).</summary>
    public string Type { get; }

    /// <summary>The certificate's notAfter seen by the latest check that saw one; null otherwise (and for a heartbeat).</summary>
    public DateTimeOffset? TlsExpiresAt { get; }

    /// <summary>The latest result's status and response time (milliseconds), read together; nulls before the first result.</summary>
    public (HealthStatus? Status, int? ResponseTimeMs) Latest
    {
        get
        {
            var word = Volatile.Read(ref latest);
            var status = (int)(word >> 33) & 0b111;
            return (status == 0 ? null : (HealthStatus)(status - 1), (word & (1L << 32)) != 0 ? (int)(uint)word : null);
        }
    }

    /// <summary>
    /// The series of <paramref name="config"/> and <paramref name="runtime"/>, reusing the id texts of <paramref name="previous"/>
    /// (a service's id and client never change).
    /// </summary>
    public static ServiceSeries Of(ServiceConfig config, ServiceRuntime runtime, ServiceSeries? previous)
    {
        var series = new ServiceSeries(
            previous?.ServiceId ?? config.Id.ToString(CultureInfo.InvariantCulture),
            previous?.ClientId ?? config.ClientId.ToString(CultureInfo.InvariantCulture),
            config.Name,
            SharedType(config.Type),
            ExpiryOf(config, runtime));
        series.SetLatest(runtime);
        return series;
    }

    /// <summary>Whether this instance's labels and expiry are those of <paramref name="config"/> and <paramref name="runtime"/>.</summary>
    public bool HasLabelsOf(ServiceConfig config, ServiceRuntime runtime) =>
        Name == config.Name && Type == SharedType(config.Type) && TlsExpiresAt == ExpiryOf(config, runtime);

    /// <summary>
    /// Sets the latest result from <paramref name="runtime"/> (one writer: the service's grain); a negative response time
    /// (none is stored) would read as 0.
    /// </summary>
    public void SetLatest(ServiceRuntime runtime)
    {
        var word = runtime.LastStatus is { } status ? (long)((int)status + 1) << 33 : 0;
        if (runtime.LastResponseTimeMs is { } milliseconds)
        {
            word |= (1L << 32) | (uint)Math.Max(0, milliseconds);
        }

        Volatile.Write(ref latest, word);
    }

    private static DateTimeOffset? ExpiryOf(ServiceConfig config, ServiceRuntime runtime) => config.IsHeartbeat ? null : runtime.TlsExpiresAt;

    private static string SharedType(string type) => type switch
    {
        MonitorTypes.Http => MonitorTypes.Http,
        MonitorTypes.Tcp => MonitorTypes.Tcp,
        MonitorTypes.Heartbeat => MonitorTypes.Heartbeat,
        _ => type,
    };
}
