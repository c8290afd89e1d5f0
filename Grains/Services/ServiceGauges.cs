using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Services;

/// <summary>
/// The per-service gauges of the services whose grains this silo hosts (meter "Monitoring.Services"): four observable
/// gauges over one silo-wide registry, not an instrument per service. A grain puts its service in on activation and
/// on every change or committed result, and takes it out when it deactivates; a scrape enumerates the registry
/// without a lock. Every series carries <c>service_id</c>, <c>client_id</c>, <c>service_name</c> and <c>type</c>:
/// <list type="bullet">
/// <item><c>monitoring_service_up</c>: 1 when the latest result is up or degraded, 0 when down;</item>
/// <item><c>monitoring_service_status</c>: 1, with the latest result's <c>status</c> as a further label (one series per service);</item>
/// <item><c>monitoring_service_response_time_seconds</c>: the latest result's response time, in seconds;</item>
/// <item><c>monitoring_service_tls_expiry_timestamp_seconds</c>: the certificate's notAfter, in Unix seconds.</item>
/// </list>
/// A service without a result yet has only its TLS series (if any); a disabled service has none.
/// Beside them, <c>monitoring_services_active</c> counts the enabled services this silo hosts (one series).
/// </summary>
public sealed class ServiceGauges : IDisposable
{
    public const string MeterName = "Monitoring.Services";

    /// <summary>The name every per-service instrument starts with (an OpenTelemetry view can select them by it).</summary>
    public const string InstrumentPrefix = "monitoring.service.";

    private readonly ConcurrentDictionary<long, ServiceSeries> services = new();
    private readonly Meter meter;
    private readonly bool ownsMeter;

    /// <summary>For tests and tools without a host: a meter of its own.</summary>
    public ServiceGauges()
        : this(null)
    {
    }

    public ServiceGauges(IMeterFactory? meters)
    {
        meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        ownsMeter = meters is null;
        meter.CreateObservableGauge(InstrumentPrefix + "up", ObserveUp, null, "1 when the service's latest result is up or degraded, 0 when it is down");
        meter.CreateObservableGauge(InstrumentPrefix + "status", ObserveStatus, null, "1 for the service's latest status (label status)");
        meter.CreateObservableGauge(InstrumentPrefix + "response_time", ObserveResponseTime, "s", "Response time of the service's latest result");
        meter.CreateObservableGauge(InstrumentPrefix + "tls_expiry_timestamp", ObserveTlsExpiry, "s", "When the service's certificate expires (notAfter), as Unix time");
        meter.CreateObservableGauge("monitoring.services.active", () => services.Count, "{service}", "Enabled services whose grains this silo hosts, each scheduled here");
    }

    /// <summary>How many services are registered here now.</summary>
    public int Count => services.Count;

    /// <summary>
    /// Puts the service in with its current labels and latest result, or takes it out when it is disabled. A new result
    /// under the same labels changes the registered series in place. From the service's grain only.
    /// </summary>
    public void Publish(ServiceConfig config, ServiceRuntime runtime)
    {
        if (!config.Enabled)
        {
            Remove(config.Id);
            return;
        }

        var current = services.GetValueOrDefault(config.Id);
        if (current is not null && current.HasLabelsOf(config, runtime))
        {
            current.SetLatest(runtime);
            return;
        }

        services[config.Id] = ServiceSeries.Of(config, runtime, current);
    }

    /// <summary>Takes the service out (its grain deactivated, or it was removed).</summary>
    public void Remove(long serviceId) => services.TryRemove(serviceId, out _);

    /// <summary>What the gauges say of <paramref name="serviceId"/> now; null when it is not registered here.</summary>
    public ServiceSeries? Find(long serviceId) => services.GetValueOrDefault(serviceId);

    public void Dispose()
    {
        // A meter from the factory belongs to the factory, which disposes it with the host.
        if (ownsMeter)
        {
            meter.Dispose();
        }
    }

    /// <summary>
    /// The labels in the order of their names: OpenTelemetry keys its series by the labels as given and, when that order
    /// is not sorted, by a sorted copy too; given sorted, a series costs one key instead of two.
    /// </summary>
    private static TagList Labels(ServiceSeries series) => new()
    {
        { "client_id", series.ClientId },
        { "service_id", series.ServiceId },
        { "service_name", series.Name },
        { "type", series.Type },
    };

    private IEnumerable<Measurement<int>> ObserveUp()
    {
        foreach (var (_, series) in services)
        {
            if (series.Latest.Status is { } status)
            {
                var labels = Labels(series);
                yield return new Measurement<int>(status == HealthStatus.Down ? 0 : 1, in labels);
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveStatus()
    {
        foreach (var (_, series) in services)
        {
            if (series.Latest.Status is { } status)
            {
                var labels = new TagList
                {
                    { "client_id", series.ClientId },
                    { "service_id", series.ServiceId },
                    { "service_name", series.Name },
                    { "status", status.ToWire() },
                    { "type", series.Type },
                };
                yield return new Measurement<int>(1, in labels);
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveResponseTime()
    {
        foreach (var (_, series) in services)
        {
            if (series.Latest.ResponseTimeMs is { } milliseconds)
            {
                var labels = Labels(series);
                yield return new Measurement<double>(milliseconds / 1000.0, in labels);
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveTlsExpiry()
    {
        foreach (var (_, series) in services)
        {
            if (series.TlsExpiresAt is { } expires)
            {
                var labels = Labels(series);
                yield return new Measurement<long>(expires.ToUnixTimeSeconds(), in labels);
            }
        }
    }
}
