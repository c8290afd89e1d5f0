using Monitoring.Hosting;
using Orleans.Configuration;

namespace Monitoring.Gateway.Hosting;

public static class OrleansClientSetup
{
    /// <summary>
    /// Connects to the silos through the same PostgreSQL membership table. The client retries for as long
    /// as no silo answers, while the web server already serves /healthz and answers 503 elsewhere.
    /// </summary>
    public static void AddMonitoringClusterClient(this IHostApplicationBuilder builder, GatewaySettings settings)
    {
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = settings.ClusterId;
                    o.ServiceId = settings.ServiceId;
                })
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = settings.Database.ConnectionString;
                })
                .Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10))
                .Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"))
                .UseMonitoringTls(builder.Configuration)
                .UseConnectionRetryFilter(async (exception, cancellationToken) =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    return true;
                });
        });

        // Start Kestrel without waiting for the cluster client's first connection.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
    }

    /// <summary>TLS to the silos when ORLEANS_TLS_CERTIFICATE is set (see <see cref="OrleansTls"/>).</summary>
    private static IClientBuilder UseMonitoringTls(this IClientBuilder client, IConfiguration configuration)
    {
        if (OrleansTls.Read(configuration) is { } tls)
        {
            client.UseTls(tls.Certificate, tls.Configure);
        }

        return client;
    }
}
