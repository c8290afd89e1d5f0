using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Monitoring.Hosting;

/// <summary>
/// OpenTelemetry for both hosts: the monitor's own meters ("Monitoring.*", made through IMeterFactory), the
/// .NET runtime, HttpClient, Npgsql and Orleans (ASP.NET Core is the gateway's to add); traces of HttpClient,
/// Npgsql, Orleans and our own sources. Metrics are served to Prometheus (<see cref="MetricsEndpoint"/>); when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set, metrics and traces are also pushed there over OTLP (the exporter reads the
/// other OTEL_EXPORTER_OTLP_* settings too). Without it, traces are sampled off: nobody would read them.
/// </summary>
public static class Telemetry
{
    /// <summary>The prefix of every meter and activity source of the monitor's own code.</summary>
    public const string Prefix = "Monitoring";

    /// <summary>The setting that turns OTLP export on: the collector's address (such as <c>http://collector:4317</c>).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds the meters, sources and exporters above to <paramref name="builder"/>, then what the host adds itself.</summary>
    /// <param name="builder">The host being built.</param>
    /// <param name="serviceName">The <c>service.name</c> resource attribute (<c>monitoring-silo</c>, <c>monitoring-gateway</c>).</param>
    /// <param name="metrics">The host's own additions to metrics (instrumentation, views).</param>
    /// <param name="tracing">The host's own additions to tracing.</param>
    public static IHostApplicationBuilder AddMonitoringTelemetry(this IHostApplicationBuilder builder, string serviceName, Action<MeterProviderBuilder>? metrics = null, Action<TracerProviderBuilder>? tracing = null)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(meters =>
            {
                meters.AddMeter($"{Prefix}.*")
                    .AddMeter("Microsoft.Orleans")
                    .AddRuntimeInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation()
                    // Scope labels would repeat the meter's name on every series (100,000 per-service series on a silo).
                    .AddPrometheusExporter(o => o.ScopeInfoEnabled = false);
                if (otlp)
                {
                    meters.AddOtlpExporter();
                }

                metrics?.Invoke(meters);
            })
            .WithTracing(traces =>
            {
                // Until traces go somewhere, recording a span for every check and every query is work on the hot path
                // that nobody reads: sample none, unless a caller's own trace asks for it.
                if (!otlp)
                {
                    traces.SetSampler(new ParentBasedSampler(new AlwaysOffSampler()));
                }

                traces.AddSource($"{Prefix}.*")
                    .AddSource("Microsoft.Orleans.Runtime")
                    .AddSource("Microsoft.Orleans.Application")
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (otlp)
                {
                    traces.AddOtlpExporter();
                }

                tracing?.Invoke(traces);
            });
        return builder;
    }
}
