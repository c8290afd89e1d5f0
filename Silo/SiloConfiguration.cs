using Monitoring.Grains;
using Monitoring.Grains.Data;
using Monitoring.Grains.Fleet;
using Orleans.Runtime.Hosting;
using Monitoring.Hosting;
using Monitoring.Sql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Monitoring.Silo;

/// <summary>All Orleans wiring of a silo: clustering, grain storage and reminders on one PostgreSQL.</summary>
public static class SiloConfiguration
{
    private const string Invariant = "Npgsql";

    /// <summary>
    /// The connection string of Orleans' providers (one pool for the three): <paramref name="database"/>'s, with
    /// recurring statements prepared (<see cref="DatabaseSettings.PrepareRecurring"/>) and no reset when a connection goes
    /// back to the pool, as the silo's own pools. Orleans sends the same few statements unprepared: a grain's state read
    /// was planned anew at every activation (124 of its 142 µs in PostgreSQL, measured with pg_stat_statements during a
    /// sweep of 100,000, issue 16), and every return to the pool cost a DISCARD ALL. Our queries for Orleans
    /// (sql/migrations) leave no session state behind (no SET, no advisory lock); Npgsql rolls back a transaction left
    /// open either way.
    /// </summary>
    public static string OrleansConnectionString(DatabaseSettings database)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { NoResetOnClose = true };
        DatabaseSettings.PrepareRecurring(builder, 32);
        return builder.ConnectionString;
    }

    /// <summary>Joins the fleet through the membership table, listening where <paramref name="cluster"/> says.</summary>
    public static ISiloBuilder UseMonitoringCluster(this ISiloBuilder silo, DatabaseSettings database, ClusterSettings cluster, IConfiguration configuration)
    {
        silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            })
            // Listen on the advertised address only (loopback unless SILO_ADVERTISED_IP says otherwise): Orleans
            // traffic carries no authentication of its own, so the ports must not face a network by accident.
            .ConfigureEndpoints(cluster.AdvertisedIp, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false)
            .UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = OrleansConnectionString(database);
            });

        // Database errors reach the gateway as themselves, so it can answer 503 instead of 500.
        silo.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));

        // A silo that stops gracefully tells its clients first, so gateways stop routing calls to it.
        silo.Configure<SiloMessagingOptions>(o => o.ClientGatewayShutdownNotificationTimeout = TimeSpan.FromSeconds(5));

        if (OrleansTls.Read(configuration) is { } tls)
        {
            silo.UseTls(tls.Certificate, tls.Configure);
        }

        // Orleans' membership defaults but one, unless configuration (tests) sets faster ones. Orleans 10.4 does not
        // count a silo's missed probes while its connection received any message within MaxProbeTimeout x
        // NumMissedProbesLimit (60 s by default): a hung silo (SIGSTOP, a paused VM) then keeps its services,
        // unchecked, for a minute. Without that check it is declared dead after its missed probes (about 15 s),
        // as a killed one is; the price is that a silo frozen that long by a pause of its own is evicted and restarts.
        silo.Services.Configure<ClusterMembershipOptions>(o => o.EnableConnectionLivenessCheck = false);
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));
        return silo;
    }

    /// <summary>Reminders and grain storage in PostgreSQL (the uptime windows, read ahead by the sweeps: <see cref="PrefetchedGrainStorage"/>).</summary>
    public static ISiloBuilder AddMonitoringPersistence(this ISiloBuilder silo, DatabaseSettings database)
    {
        var connectionString = OrleansConnectionString(database);
        silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            })
            .AddAdoNetGrainStorage(StorageNames.UptimeTable, o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
                o.DeleteStateOnClear = true;
            });

        // Store grain state with Orleans' own binary serializer: compact, and tolerant of added fields
        // through the [Id] attributes; the JSON default would embed .NET type names in every row.
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.UptimeTable)
            .Configure<IServiceProvider>((o, services) => o.GrainStorageSerializer = SnapshotStore.CreateSerializer(
                services.GetRequiredService<Orleans.Serialization.Serializer>()));

        // The grains use the table through a storage that serves the states a sweep read ahead (one query per batch).
        silo.Services.AddGrainStorage(StorageNames.Uptime, (services, _) => new PrefetchedGrainStorage(
            services.GetRequiredKeyedService<IGrainStorage>(StorageNames.UptimeTable), services.GetRequiredService<ActivationPrefetch>()));
        return silo;
    }
}
