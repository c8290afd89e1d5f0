using Microsoft.Extensions.Diagnostics.HealthChecks;
using Monitoring.Grains.Interfaces;

namespace Monitoring.Gateway.Health;

/// <summary>Healthy when a grain call reaches a silo through this gateway's cluster client.</summary>
public sealed class ClusterHealthCheck(IClusterClient client) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var silo = await client.GetGrain<IClusterProbeGrain>(Random.Shared.Next()).GetSiloAsync().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy(data: new Dictionary<string, object> { ["silo"] = silo });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(ex is TimeoutException ? "no silo answered within 3 s" : $"cluster unreachable: {ex.Message}");
        }
    }
}
