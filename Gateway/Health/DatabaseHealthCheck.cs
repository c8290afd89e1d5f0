using Microsoft.Extensions.Diagnostics.HealthChecks;
using Monitoring.Sql;
using Npgsql;

namespace Monitoring.Gateway.Health;

/// <summary>Healthy when PostgreSQL answers a trivial query within the check's timeout.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            // Pooled connections opened before a PostgreSQL restart fail on their first use: drop them all,
            // so the next check opens a fresh one instead of reporting the database down after it is back.
            dataSource.ClearPoolIfBroken(ex);
            return HealthCheckResult.Unhealthy($"database unreachable: {ex.Message}");
        }
    }
}
