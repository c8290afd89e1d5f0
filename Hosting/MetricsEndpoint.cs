using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Monitoring.Hosting;

/// <summary>
/// <c>GET /metrics</c>: what the host's OpenTelemetry meters hold, in the Prometheus text format, written by
/// OpenTelemetry's Prometheus exporter (see <see cref="Telemetry"/>). Open unless a key is given; then a scrape
/// without <c>Authorization: Bearer &lt;key&gt;</c>, or with another key, is answered 401.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>Maps <see cref="Path"/>; <paramref name="refuse"/> writes the 401 (default: an empty body).</summary>
    /// <param name="endpoints">The host's endpoints.</param>
    /// <param name="key">METRICS_KEY, or null for an open endpoint.</param>
    /// <param name="refuse">Writes the answer to a scrape without the key (the status is set to 401 before).</param>
    public static IEndpointConventionBuilder MapMonitoringMetrics(this IEndpointRouteBuilder endpoints, string? key, RequestDelegate? refuse = null)
    {
        var digest = key is null ? null : Digest(key);
        return endpoints.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch =>
        {
            if (digest is not null)
            {
                branch.Use(next => context => Presents(context.Request, digest) ? next(context) : RefuseAsync(context, refuse));
            }
        }, optionsName: null);
    }

    /// <summary>Whether the request carries the key as a Bearer token; compared as digests, in constant time.</summary>
    private static bool Presents(HttpRequest request, byte[] digest)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Digest(authorization[Scheme.Length..].Trim()), digest);
    }

    private static Task RefuseAsync(HttpContext context, RequestDelegate? refuse)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return refuse is null ? Task.CompletedTask : refuse(context);
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
