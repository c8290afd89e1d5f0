using Microsoft.Extensions.Configuration;
using Monitoring.Sql;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Monitoring.Hosting;

/// <summary>The one way a process that is not a silo (the gateway, the reencrypt command) joins the fleet as an Orleans client.</summary>
public static class ClusterClientSetup
{
    /// <summary>
    /// Finds the silos through the membership table of <paramref name="database"/>, with TLS when
    /// ORLEANS_TLS_CERTIFICATE is set, and lets PostgreSQL's exceptions travel as themselves (the gateway
    /// answers them with 503).
    /// </summary>
    public static IClientBuilder UseMonitoringCluster(this IClientBuilder client, DatabaseSettings database, FleetName fleet, IConfiguration configuration)
    {
        client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = fleet.ClusterId;
                o.ServiceId = fleet.ServiceId;
            })
            .UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = database.ConnectionString;
            })
            .Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
        if (OrleansTls.Read(configuration) is { } tls)
        {
            client.UseTls(tls.Certificate, tls.Configure);
        }

        return client;
    }
}
