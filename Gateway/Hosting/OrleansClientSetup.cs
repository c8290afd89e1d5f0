using Monitoring.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Monitoring.Gateway.Hosting;

public static class OrleansClientSetup
{
    /// <summary>
    /// Joins the fleet as a client (<see cref="ClusterClientSetup"/>). The client retries for as long as no
    /// silo answers, while the web server already serves /livez and answers 503 elsewhere.
    /// </summary>
    public static void AddMonitoringClusterClient(this IHostApplicationBuilder builder, GatewaySettings settings)
    {
        var dashboard = DashboardSetting.Enabled(builder.Configuration);
        builder.UseOrleansClient(client =>
        {
            client.UseMonitoringCluster(settings.Database, settings.Fleet, builder.Configuration)
                .Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10))
                .UseConnectionRetryFilter(async (exception, cancellationToken) =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    return true;
                });
            if (dashboard)
            {
                // The Orleans dashboard's pages and API, served under /dashboard (DashboardEndpoints).
                client.AddDashboard();
            }
        });

        // Start Kestrel without waiting for the cluster client's first connection.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
    }
}
