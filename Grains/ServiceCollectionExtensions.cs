using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitoring.Grains.Checking;
using Monitoring.Grains.Credentials;
using Monitoring.Grains.Data;
using Monitoring.Grains.Feed;
using Monitoring.Grains.History;
using Monitoring.Grains.Scheduling;
using Monitoring.Grains.Uptime;
using Monitoring.Sql;
using Npgsql;

namespace Monitoring.Grains;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers what the grains of a silo need besides Orleans itself. Call before UseOrleans so the
    /// silo stops first at shutdown (its grains hand their last results to the writer, which then drains).</summary>
    public static IServiceCollection AddMonitoringGrains(this IServiceCollection services, IConfiguration configuration, DatabaseSettings database)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(EncryptionKeys.Read(configuration));
        services.AddSingleton<CredentialProtector>();

        // The grains repeat a small set of statements (loads, finds, uptime edges).
        services.AddSingleton(_ => BuildDataSource(database, "monitoring", pool => DatabaseSettings.PrepareRecurring(pool, 64)));
        services.AddSingleton<ServiceStore>();
        services.AddSingleton<ClientStore>();
        services.AddSingleton<UptimeHistoryStore>();
        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<Fleet.SnapshotPrefetch>();
        services.AddSingleton<RecentHistoryStore>();
        services.AddSingleton<IUptimeHistory>(sp => sp.GetRequiredService<UptimeHistoryStore>());
        services.AddSingleton<UptimeCalculator>();

        services.AddOptions<ScheduleOptions>().BindConfiguration("Scheduling")
            .Validate(o => o.MaxSpread >= TimeSpan.Zero, "Scheduling:MaxSpread must not be negative")
            .Validate(o => o.SpreadFraction is >= 0 and <= 1, "Scheduling:SpreadFraction must be from 0 to 1")
            .Validate(o => o.SpreadChecksPerSecond >= 0, "Scheduling:SpreadChecksPerSecond must not be negative (0 keeps every cron at MaxSpread)")
            .Validate(o => o.MaxFleetSpread >= o.MaxSpread, "Scheduling:MaxFleetSpread must not be less than Scheduling:MaxSpread")
            .Validate(o => o.WakeUpPeriod >= TimeSpan.FromMinutes(1), "Scheduling:WakeUpPeriod must be at least one minute (each periodic sweep reads every enabled service id)")
            .Validate(o => o.ConfirmMembershipWhenLateBy >= TimeSpan.FromMilliseconds(100), "Scheduling:ConfirmMembershipWhenLateBy must be at least 100 ms (smaller would read the membership table for ordinary timer jitter)")
            .Validate(o => o.PaceWhenLateBy >= TimeSpan.FromMilliseconds(50), "Scheduling:PaceWhenLateBy must be at least 50 ms (smaller would take ordinary timer jitter for saturation)")
            .Validate(o => o.MinChecksPerSecond >= 1, "Scheduling:MinChecksPerSecond must be at least 1")
            .ValidateOnStart();
        services.AddOptions<CheckOptions>().BindConfiguration("Checks")
            .Configure(o => o.DeniedNetworks = configuration["CHECK_DENIED_NETWORKS"] ?? o.DeniedNetworks)
            .Validate(o => o.MaxConcurrentChecks > 0, "Checks:MaxConcurrentChecks must be positive")
            .Validate(o => o.MaxBodyBytes > 0, "Checks:MaxBodyBytes must be positive")
            .Validate(o => CheckOptions.IsValidUserAgent(o.UserAgent), "Checks:UserAgent must be product tokens such as 'name/1.0', optionally with (comments)")
            .Validate(o => DeniedNetworks.TryParse(o.DeniedNetworks, out _, out _), "CHECK_DENIED_NETWORKS must be comma separated CIDR networks (such as 169.254.0.0/16,fe80::/10) or 'none'")
            .Validate(o => !o.UseProxy || DeniedNetworks.Parse(o.DeniedNetworks).Networks.Count == 0,
                "Checks:UseProxy sends checks through a proxy, which the deny list cannot see past: set CHECK_DENIED_NETWORKS=none (and deny those networks at the proxy) to use one")
            .ValidateOnStart();
        services.AddSingleton(sp => DeniedNetworks.Parse(sp.GetRequiredService<IOptions<CheckOptions>>().Value.DeniedNetworks));
        services.AddOptions<HistoryOptions>().BindConfiguration("History")
            .Validate(o => o.BufferCapacity > 0 && o.MaxBatchSize > 0 && o.IdBlockSize > 0, "History buffer, batch and id block sizes must be positive")
            .Validate(o => o.Retention >= TimeSpan.FromDays(1), "History:Retention must be at least one day")
            .Validate(o => o.JournalMaxBytes > 0, "History:JournalMaxBytes must be positive")
            .Validate(o => o.CommitInterval >= TimeSpan.Zero && o.CommitInterval <= TimeSpan.FromSeconds(1), "History:CommitInterval must be between 0 and 1 second")
            .Validate<IOptions<CheckOptions>>(
                (o, checks) => checks.Value.MaxConcurrentChecks <= o.BufferCapacity / 10,
                "History:BufferCapacity must be at least ten times Checks:MaxConcurrentChecks (the checks in flight when the writer becomes congested must fit in the last tenth of its buffer)")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var history = sp.GetRequiredService<IOptions<HistoryOptions>>().Value;
            var folder = string.IsNullOrWhiteSpace(history.JournalPath)
                ? Path.Combine(Path.GetTempPath(), "monitoring-journal", $"process-{Environment.ProcessId}-{Guid.NewGuid():N}")
                : history.JournalPath;
            return new ResultJournal(folder, history.JournalMaxBytes);
        });

        // Two clients, as certificate validation is a setting of the handler: one verifies, one (tls_verify false)
        // accepts any certificate. Both connect through the deny list and record every certificate they see.
        services.AddSingleton<GuardedConnector>();
        services.AddSingleton(_ => new CertificateCache());
        foreach (var (name, verify) in new[] { (HttpHealthChecker.ClientName, true), (HttpHealthChecker.InsecureClientName, false) })
        {
            services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(sp => HealthCheckHandler.Create(
                    sp.GetRequiredService<IOptions<CheckOptions>>().Value, sp.GetRequiredService<GuardedConnector>(), sp.GetRequiredService<CertificateCache>(), verify))
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
                .RemoveAllLoggers();
        }

        services.AddSingleton<CheckConcurrencyLimiter>();
        services.AddSingleton(sp =>
        {
            var writer = sp.GetRequiredService<StatusWriter>();
            return new CheckAdmission(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<ScheduleOptions>>(),
                sp.GetRequiredService<ILogger<CheckAdmission>>(), () => writer.Congested, () => writer.Behind);
        });
        services.AddSingleton<SpreadPolicy>();
        services.AddSingleton<CheckClock>();
        services.AddSingleton<HttpHealthChecker>();
        services.AddSingleton<TcpHealthChecker>();

        services.AddSingleton(sp => new HistoryMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new CheckMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new Services.ServiceGauges(sp.GetService<IMeterFactory>()));
        // The result writer's own pool: it must never wait behind grain activations for one of the shared pool's
        // connections (a million activating grains kept it waiting past its 5-s bound, which it takes for an outage).
        services.AddKeyedSingleton(StatusWriter.DataSourceKey, (_, _) => BuildDataSource(database, "monitoring-results", pool =>
        {
            pool.MaxPoolSize = StatusWriter.PoolSize;
            pool.MinPoolSize = 0;
        }));
        services.AddSingleton(sp =>
        {
            var writer = ActivatorUtilities.CreateInstance<StatusWriter>(sp, sp.GetRequiredKeyedService<NpgsqlDataSource>(StatusWriter.DataSourceKey));
            sp.GetRequiredService<HistoryMetrics>().ObserveWriter(() => writer.Backlog, () => writer.JournalBytes);
            return writer;
        });
        services.AddHostedService(sp => sp.GetRequiredService<StatusWriter>());
        services.AddSingleton<HistoryPruner>();
        services.AddHostedService(sp => sp.GetRequiredService<HistoryPruner>());
        services.AddSingleton(sp => new Services.SnapshotGate(sp.GetService<IMeterFactory>()));
        services.AddSingleton<Services.ServiceMonitorDependencies>();
        services.AddSingleton<FeedPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedPublisher>());

        // Every silo wakes its share of the services when it starts and when a silo leaves the fleet, hands its
        // own over before it stops, and confirms it is still a member before acting on a timer that fired late.
        services.AddHostedService<Fleet.ScheduleKeeper>();
        services.AddSingleton<Fleet.LocalServices>();
        services.AddSingleton<Fleet.DirectoryRewake>();
        services.AddSingleton(sp => new Fleet.ActivationMetrics(sp.GetService<IMeterFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<Fleet.DirectoryRewake>());
        services.AddSingleton(sp => new Fleet.ActivationPrefetch(
            sp.GetRequiredService<TimeProvider>(), () => sp.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Version.Value));
        services.AddSingleton<Fleet.SiloStartup>();
        services.AddSingleton<Fleet.MembershipConfirmation>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, Fleet.ServiceHandOver>();

        services.AddMonitoringAlerting(configuration);
        services.AddSingleton<Heartbeats.HeartbeatStore>();

        // Exceptions that Orleans cannot carry to the gateway are turned into one it can, and logged here.
        services.AddSingleton<IIncomingGrainCallFilter, GrainFaultFilter>();
        return services;
    }

    /// <summary>
    /// Incidents, channels, the delivery outbox and its dispatcher, maintenance windows. The dispatcher's HTTP client
    /// reaches receivers anywhere but the networks checks may not reach either (CHECK_DENIED_NETWORKS: cloud metadata
    /// and link-local by default), so a channel cannot be used to probe them.
    /// </summary>
    private static void AddMonitoringAlerting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<Alerting.DeliverySignal>();
        services.AddSingleton<Alerting.IncidentStore>();
        services.AddSingleton<Alerting.ChannelStore>();
        services.AddSingleton<Delivery.DeliveryStore>();
        services.AddSingleton<Maintenance.MaintenanceStore>();
        services.AddSingleton<Data.ClientOwnership>();
        services.AddSingleton<StatusPages.StatusPageStore>();
        services.AddSingleton<Maintenance.MaintenanceCalendar>();
        services.AddHostedService(sp => sp.GetRequiredService<Maintenance.MaintenanceCalendar>());

        services.AddSingleton(new Delivery.SmtpConfiguration(Delivery.SmtpSettings.Read(configuration["SMTP_URL"], configuration["SMTP_FROM"])));
        services.AddOptions<Delivery.DeliveryOptions>().BindConfiguration("Alerting")
            .Validate(o => o.PollInterval >= TimeSpan.FromMilliseconds(50), "Alerting:PollInterval must be at least 50 ms")
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(20), "Alerting:Lease must be at least 20 s (longer than the 15 s attempt)")
            .Validate(o => o.MaxConcurrentAttempts > 0, "Alerting:MaxConcurrentAttempts must be positive")
            .ValidateOnStart();
        services.AddHttpClient(Delivery.HttpAttempt.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = new GuardedConnector(sp.GetRequiredService<DeniedNetworks>()).ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.AddSingleton<Delivery.HttpAttempt>();
        services.AddSingleton<Delivery.IChannelSender, Delivery.WebhookSender>();
        services.AddSingleton<Delivery.IChannelSender, Delivery.SlackSender>();
        services.AddSingleton<Delivery.IChannelSender, Delivery.DiscordSender>();
        services.AddSingleton<Delivery.IChannelSender, Delivery.TeamsSender>();
        services.AddSingleton<Delivery.IChannelSender, Delivery.PagerDutySender>();
        services.AddSingleton<Delivery.IChannelSender, Delivery.EmailSender>();
        services.AddSingleton(sp => new Delivery.DeliveryMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton<Delivery.DeliveryDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<Delivery.DeliveryDispatcher>());
    }

    /// <summary>
    /// A pool of the silo's own (beside Orleans'): named for Npgsql's metrics, <paramref name="configure"/> applied to its
    /// settings after DATABASE_URL's.
    /// </summary>
    private static NpgsqlDataSource BuildDataSource(DatabaseSettings database, string name, Action<NpgsqlConnectionStringBuilder> configure)
    {
        var builder = new NpgsqlDataSourceBuilder(database.ConnectionString) { Name = name };

        // No session state is left on a pooled connection (the pruner's advisory lock is released in its finally;
        // lock_timeout is set per transaction): skip the reset round trip every return to the pool costs
        // (six statements before the next command; a grain's activation takes three connections).
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        configure(builder.ConnectionStringBuilder);
        return builder.Build();
    }
}
