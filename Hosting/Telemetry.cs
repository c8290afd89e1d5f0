using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Monitoring.Hosting;

/// <summary>
/// OpenTelemetry for both hosts: the monitor's own meters ("Monitoring.*", made through IMeterFactory), the
/// .NET runtime, ASP.NET Core, HttpClient, Npgsql and Orleans; traces of ASP.NET Core, HttpClient, Npgsql and
/// Orleans (sampled only once OTEL_EXPORTER_OTLP_ENDPOINT is set). Collected here; where they are exported
/// to (Prometheus, OTLP) is the operations work's to add.
/// </summary>
public static class Telemetry
{
    /// <summary>The prefix of every meter and activity source of the monitor's own code.</summary>
    public const string Prefix = "Monitoring";

    public static IHostApplicationBuilder AddMonitoringTelemetry(this IHostApplicationBuilder builder, string serviceName, Action<MeterProviderBuilder>? metrics = null, Action<TracerProviderBuilder>? tracing = null)
    {
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(meters =>
            {
                meters.AddMeter($"{Prefix}.*")
                    .AddMeter("Microsoft.Orleans")
                    .AddRuntimeInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation();
                metrics?.Invoke(meters);
            })
            .WithTracing(traces =>
            {
                // Until traces go somewhere (OTEL_EXPORTER_OTLP_ENDPOINT, the operations work), recording a span for
                // every check and every query is work on the hot path that nobody reads: sample none, unless a
                // caller's own trace asks for it.
                if (string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
                {
                    traces.SetSampler(new ParentBasedSampler(new AlwaysOffSampler()));
                }

                traces.AddSource($"{Prefix}.*")
                    .AddSource("Microsoft.Orleans.Runtime")
                    .AddSource("Microsoft.Orleans.Application")
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                tracing?.Invoke(traces);
            });
        return builder;
    }
}
