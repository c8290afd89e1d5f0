using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Monitoring.Gateway.Json;

namespace Monitoring.Gateway.Health;

/// <summary>/healthz (liveness: the process serves) and /health (database and cluster); both are open.</summary>
public static class HealthEndpoints
{
    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static readonly DateTimeOffset Started = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public static IServiceCollection AddMonitoringHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", timeout: TimeSpan.FromSeconds(3))
            .AddCheck<ClusterHealthCheck>("cluster", timeout: TimeSpan.FromSeconds(4));
        return services;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Json(new LivenessBody("ok"), ApiJson.Context.LivenessBody));
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = WriteReportAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        return app;
    }

    private static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.ToDictionary(
            e => e.Key,
            e => new HealthCheckBody(
                e.Value.Status == HealthStatus.Unhealthy ? "unhealthy" : "healthy",
                Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                e.Value.Status == HealthStatus.Unhealthy ? e.Value.Description : null,
                e.Value.Data.TryGetValue("silo", out var silo) ? silo as string : null));
        var body = new HealthReportBody(
            report.Status == HealthStatus.Unhealthy ? "unhealthy" : "healthy",
            DateTimeOffset.UtcNow,
            Version,
            Math.Round((DateTimeOffset.UtcNow - Started).TotalSeconds, 3),
            checks);
        return context.Response.WriteAsJsonAsync(body, ApiJson.Context.HealthReportBody, contentType: "application/json; charset=utf-8");
    }
}
