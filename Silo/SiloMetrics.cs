using Monitoring.Grains.Services;
using Monitoring.Hosting;
using Monitoring.Sql;
using OpenTelemetry.Metrics;

namespace Monitoring.Silo;

/// <summary>The silo's side of /metrics: where its Kestrel endpoint listens, and how many per-service series it keeps.</summary>
public static class SiloMetrics
{
    /// <summary>How many series each per-service gauge may hold unless Metrics__MaxServiceSeries says otherwise.</summary>
    public const int DefaultMaxServiceSeries = 250_000;

    /// <summary>Where /metrics listens: HOST (default 127.0.0.1, so it does not face a network by accident) and METRICS_PORT.</summary>
    public static string Url(IConfiguration configuration, MetricsSettings metrics)
    {
        var host = string.IsNullOrWhiteSpace(configuration["HOST"]) ? "127.0.0.1" : configuration["HOST"]!.Trim();
        return $"http://{(host.Contains(':') ? $"[{host}]" : host)}:{metrics.Port}";
    }

    /// <summary>
    /// Lets each per-service gauge (<see cref="ServiceGauges"/>) hold Metrics__MaxServiceSeries series instead of
    /// OpenTelemetry's default of 2,000. OpenTelemetry keeps a slot for every label set it has seen since the silo started
    /// (services that moved away, were renamed or removed included; a slot costs about 100 bytes, reserved up front) and
    /// folds any beyond the limit into one series labelled <c>otel_metric_overflow="true"</c>.
    /// </summary>
    /// <param name="meters">The silo's metrics.</param>
    /// <param name="limit">Series per gauge (<see cref="MaxServiceSeries"/>).</param>
    public static MeterProviderBuilder AddServiceSeriesLimit(this MeterProviderBuilder meters, int limit) =>
        meters.AddView($"{ServiceGauges.InstrumentPrefix}*", new MetricStreamConfiguration { CardinalityLimit = limit });

    /// <summary>Metrics__MaxServiceSeries, or <see cref="DefaultMaxServiceSeries"/>; a value that is not a positive number is refused.</summary>
    public static int MaxServiceSeries(IConfiguration configuration)
    {
        var value = configuration["Metrics:MaxServiceSeries"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultMaxServiceSeries;
        }

        return int.TryParse(value, out var limit) && limit > 0
            ? limit
            : throw new SettingException("Metrics__MaxServiceSeries", $"must be a positive number, not '{value}'");
    }
}
