using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Monitoring.Gateway.Description;
using Monitoring.Gateway.Hosting;
using Monitoring.Gateway.Json;

namespace Monitoring.Gateway.Health;

/// <summary>
/// /livez (the process runs), /readyz and /healthz (an API call would be served now), and /health (database
/// and cluster, in the format the service expects of others); all open (operations contract).
/// </summary>
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
        app.MapGet("/livez", () => TypedResults.Json(new LivenessBody("ok"), ApiJson.Context.LivenessBody))
            .Produces<LivenessBody>().WithSummary("The process runs");
        app.MapGet("/readyz", ReadinessAsync).DescribeReadiness();
        app.MapGet("/healthz", ReadinessAsync).DescribeReadiness();
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

    /// <summary>200 {"status":"ok"} only when an API call would be served now; else 503 {"status":"unavailable"}.</summary>
    private static async Task<IResult> ReadinessAsync(ClusterReadiness readiness) =>
        await readiness.IsReadyAsync()
            ? TypedResults.Json(new LivenessBody("ok"), ApiJson.Context.LivenessBody)
            : TypedResults.Json(new LivenessBody("unavailable"), ApiJson.Context.LivenessBody, statusCode: StatusCodes.Status503ServiceUnavailable);

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
