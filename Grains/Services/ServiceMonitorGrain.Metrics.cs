using Monitoring.Grains.Interfaces.Models;

namespace Monitoring.Grains.Services;

/// <summary>What the grain tells the silo's metrics: its per-service gauges (<see cref="ServiceGauges"/>) and the results it counts.</summary>
public sealed partial class ServiceMonitorGrain
{
    /// <summary>
    /// True from the moment this activation hosts its service until it deactivates: a late continuation (a check abandoned at
    /// deactivation) must not put the service back into the gauges of a silo that no longer hosts it.
    /// </summary>
    private bool hosted;

    /// <summary>Starts reporting the service in this silo's gauges.</summary>
    private void StartHosting()
    {
        hosted = true;
        PublishSeries();
    }

    /// <summary>Stops reporting the service here (deactivation or removal).</summary>
    private void StopHosting()
    {
        hosted = false;
        services.Gauges.Remove(Id);
    }

    /// <summary>Tells the gauges the service's labels and latest result as they are now.</summary>
    private void PublishSeries()
    {
        if (hosted && config is not null)
        {
            services.Gauges.Publish(config, runtime);
        }
    }

    /// <summary>Counts a result that is not a check this silo made (a heartbeat's report, a missed deadline).</summary>
    private void CountResult(string trigger, HealthStatus status) =>
        services.CheckMetrics.Record(config?.Type ?? Monitors.MonitorTypes.Heartbeat, trigger, status, elapsed: null);
}
